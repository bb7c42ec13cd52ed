/**
 * The service worker: caches the app shell at install so the app opens offline (it then shows
 * "offline" honestly), serves hashed assets cache-first and navigations network-first, and turns a
 * content-free push (category + room id) into a notification whose tap opens the app.
 */
const PRECACHE = "__PRECACHE__" as unknown as string[];
const VERSION = "__VERSION__" as unknown as string;
const CACHE = `codex-mobile-${VERSION}`;

interface WindowClientLike {
  navigate(url: string): Promise<WindowClientLike | null>;
  focus(): Promise<unknown>;
}
interface ClientsLike {
  claim(): Promise<void>;
  matchAll(o: { type: string; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
  openWindow(url: string): Promise<unknown>;
}
interface SwScope {
  registration: ServiceWorkerRegistration;
  clients: ClientsLike;
  skipWaiting(): Promise<void>;
  addEventListener(type: string, fn: (e: never) => void): void;
  location: Location;
}
const sw = self as unknown as SwScope;

interface ExtEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEv extends ExtEvent {
  request: Request;
  respondWith(r: Promise<Response> | Response): void;
}
interface PushEv extends ExtEvent {
  data: { json(): unknown; text(): string } | null;
}
interface NotificationEv extends ExtEvent {
  notification: Notification;
  action: string;
}

sw.addEventListener("install", (e: ExtEvent) => {
  e.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(PRECACHE))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (e: ExtEvent) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("codex-mobile-") && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener("fetch", (e: FetchEv) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  if (req.mode === "navigate") {
    e.respondWith(fetch(req).catch(async () => (await caches.match("./", { ignoreSearch: true })) ?? Response.error()));
    return;
  }
  e.respondWith(caches.match(req).then((hit) => hit ?? fetch(req)));
});

const TITLES: Record<string, string> = {
  approval_needed: "Approval needed",
  turn_completed: "Agent finished",
  error: "Agent error",
  attention_needed: "Agent needs you",
};

sw.addEventListener("push", (e: PushEv) => {
  let category = "update";
  let room = "";
  try {
    const body = (e.data?.json() ?? {}) as { category?: unknown; room?: unknown; roomId?: unknown };
    if (typeof body.category === "string") category = body.category;
    const r = body.room ?? body.roomId;
    if (typeof r === "string") room = r;
  } catch {
    // a push carries no content; anything unparsable still just opens the app
  }
  e.waitUntil(
    sw.registration.showNotification(TITLES[category] ?? "codex-remote", {
      body: "Open to see details",
      tag: `${category}:${room}`,
      data: { category, room },
    }),
  );
});

sw.addEventListener("notificationclick", (e: NotificationEv) => {
  e.notification.close();
  const data = e.notification.data as { room?: string } | undefined;
  const target = new URL(`./#/open/${encodeURIComponent(data?.room ?? "")}`, sw.location.href);
  e.waitUntil(
    sw.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      const client = list[0];
      if (client) return client.navigate(target.href).then((c) => c?.focus());
      return sw.clients.openWindow(target.href);
    }),
  );
});
