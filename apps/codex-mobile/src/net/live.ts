import { type DeviceIdentity, parsePairingLink } from "@codex-remote/protocol";
import { z } from "zod";
import { enableWebPush, type PushState, webPushState } from "../push/push.ts";
import type { PushTarget } from "../push/target.ts";
import type { Store } from "../store/store.ts";
import type { ConnectionState } from "../store/types.ts";
import type { AppServices } from "../ui/context.ts";
import type { VoiceIO } from "../voice/voice.ts";
import type { PairingFlow, SessionActions } from "./actions.ts";
import { journalToInputs } from "./frames.ts";
import { Journal, type JournalChange, type JournalEntry } from "./journal.ts";
import { forgetLaptop, type LaptopRecord, loadIdentity, loadLaptops, saveLaptop } from "./laptops.ts";
import { LaptopLink, type LinkState } from "./link.ts";
import { StoreMirror } from "./mirror.ts";
import { type PairedResult, pairWithLink } from "./pairing.ts";

/** What one tab tells the others when it forgets a laptop. */
const ForgotMessage = z.object({ forgot: z.string().min(1) });

/**
 * The network half of the app (protocol, relay links, pairing, push registration), loaded right after
 * the first render so the shell paints without parsing the crypto and schema code first.
 */
export function createLiveServices(
  store: Store,
): Omit<AppServices, "store" | "voice"> & { voices: Map<string, VoiceIO> } {
  const links = new Map<string, LaptopLink>();
  const states = new Map<string, { state: LinkState; detail: string | undefined }>();
  const voices = new Map<string, VoiceIO>();
  /** Rooms a pairing is going through: no link opens there until it ends (see `pairing`). */
  const pairingRooms = new Set<string>();
  let identity: Promise<DeviceIdentity> | undefined;
  const me = () => (identity ??= loadIdentity());

  const publish = () => {
    const all = [...states.values()];
    const netDown = typeof navigator !== "undefined" && navigator.onLine === false;
    let state: ConnectionState;
    let detail: string | undefined;
    if (otherTab) state = "elsewhere";
    else if (netDown) [state, detail] = ["offline", "no network"];
    else if (all.length === 0) [state, detail] = ["offline", "no laptop paired"];
    else if (all.some((s) => s.state === "online")) state = "online";
    else if (all.some((s) => s.state === "reconnecting")) [state, detail] = ["reconnecting", all[0]?.detail];
    else if (all.some((s) => s.state === "connecting" || s.state === "handshaking")) state = "connecting";
    else [state, detail] = ["offline", all.find((s) => s.detail)?.detail];
    const cur = store.state.connection;
    if (cur.state !== state || cur.detail !== detail)
      store.dispatch({ type: "connection", state, at: Date.now(), ...(detail ? { detail } : {}) });
  };
  addEventListener("online", publish);
  addEventListener("offline", publish);

  /**
   * The tab with the links tells the others what it shows live beyond the journals (terminal
   * output, control, laptop names), and answers a newly opened tab with all of it (mirror.ts).
   */
  const mirror = new StoreMirror({
    onInput: (input, catchUp) => {
      if (leading) return;
      // history for a terminal this tab shows already (it held the links until now) would repeat
      const terminal = input.type === "terminal_output" && store.state.sessions[input.sessionId]?.terminal;
      if (catchUp && terminal && terminal.bytes > 0) return;
      store.dispatch(input);
    },
    onHello: () => {
      if (leading) mirror.catchUp(Object.values(store.state.sessions));
    },
  });
  const shared = mirror.mirrored(store);

  const linkOptions = (record: LaptopRecord, id: DeviceIdentity, key = record.id) => ({
    record,
    identity: id,
    store: shared,
    onState: (state: LinkState, detail?: string) => {
      states.set(key, { state, detail });
      publish();
    },
    onRecord: (r: LaptopRecord) => void saveLaptop(r),
    onAudio: (sessionId: string, frame: Parameters<VoiceIO["play"]>[0]) => voices.get(sessionId)?.play(frame),
  });

  /**
   * A laptop running several sessions at once hosts each further one in a room of its own, and
   * admits its paired phones there. The laptop's link lists this phone's rooms on every connect (and
   * hears of new ones at once); each other room of that laptop gets a link of its own, keyed by room,
   * with its own secure channel and journal, on the laptop link's connection. Those links are found
   * again on every start, so they are not stored.
   */
  const siblingKey = (laptopId: string, room: string) => `${laptopId} ${room}`;
  const followOtherRooms = (primary: LaptopLink, id: DeviceIdentity) => {
    const laptop = primary.record;
    const open = (room: string) => {
      const key = siblingKey(laptop.id, room);
      if (room === laptop.room || links.has(key) || pairingRooms.has(room)) return;
      const { lastRelaySeq: _, ...rest } = laptop;
      const record: LaptopRecord = { ...rest, room };
      const link = new LaptopLink({
        ...linkOptions(record, id, key),
        onRecord: () => {},
        sharedClient: primary.client,
      });
      links.set(key, link);
      void link.start();
    };
    const discover = async () => {
      const rooms = await primary.client.listRooms().catch(() => []);
      for (const r of rooms) if (r.host === laptop.id) open(r.room);
    };
    primary.client.on("open", () => void discover());
    primary.client.on("room_added", (m) => {
      if (m.host === laptop.id) open(m.room);
    });
    if (primary.client.status === "open") void discover();
  };
  /**
   * Closes a laptop's links, its other rooms' first (they ride on its connection). Forgetting it
   * (`forget`) also drops their journals and takes their sessions off the list.
   */
  const closeLaptop = async (laptopId: string, forget: boolean) => {
    const own = [...links].filter(([k]) => k.startsWith(`${laptopId} `));
    for (const [key, link] of [...own, [laptopId, links.get(laptopId)] as const]) {
      if (forget && link) {
        await link.journal.clear();
        for (const sessionId of link.sessionIds) store.dispatch({ type: "session_remove", sessionId });
      }
      closeLink(key);
    }
  };
  const closeLink = (key: string) => {
    links.get(key)?.close();
    links.delete(key);
    states.delete(key);
  };

  const startAll = async () => {
    if (!leading) return;
    const id = await me();
    const laptops = await loadLaptops();
    for (const record of laptops) {
      if (links.has(record.id) || pairingRooms.has(record.room)) continue;
      await Journal.rekey(record.id, record.room);
      const link = new LaptopLink(linkOptions(record, id));
      links.set(record.id, link);
      followOtherRooms(link, id);
      void link.start();
    }
    publish();
  };

  /**
   * A tab without the links still shows what this phone kept of each session (its journals), as it
   * would offline, and follows them as the tab with the links writes them (`follow`); the rest
   * comes from that tab's mirror. When it takes the links, they restore the same journals, and the
   * store keeps each event once.
   */
  let journalsShown = false;
  const laptopOfRoom = async () => new Map((await loadLaptops()).map((l) => [l.room, l.name]));
  const showEntry = (entry: JournalEntry, deviceId: string, laptop?: string) => {
    for (const input of journalToInputs(entry, deviceId)) {
      store.dispatch(input.type === "session_open" && laptop !== undefined ? { ...input, laptop } : input);
    }
  };
  const showJournals = async () => {
    if (journalsShown || leading) return;
    journalsShown = true;
    const id = await me();
    const names = await laptopOfRoom();
    for (const room of await Journal.rooms()) {
      for (const entry of await new Journal(room).load()) showEntry(entry, id.deviceId, names.get(room));
    }
  };
  /** One session's events past what this tab shows, from its journal as just stored. */
  const showNewer = async (room: string, sessionId: string) => {
    // undefined: a session this tab does not show yet, which it takes whole
    const applied = store.state.sessions[sessionId]?.sync.applied;
    const entry = await new Journal(room).read(sessionId, applied ?? 0);
    if (!entry || leading) return;
    if (applied !== undefined) {
      // shown already, with its laptop's name: only the events are new
      if (entry.events.length > 0) showEntry(entry, (await me()).deviceId);
      return;
    }
    showEntry(entry, (await me()).deviceId, (await laptopOfRoom()).get(room));
  };
  /** Sessions whose journals are gone (their laptop was forgotten in some tab) leave the list. */
  const dropUnjournaled = async () => {
    const kept = await Journal.sessionIds();
    if (leading) return;
    for (const sessionId of store.state.order) {
      if (!kept.has(sessionId)) store.dispatch({ type: "session_remove", sessionId });
    }
  };
  /** Changes of one session arriving while its journal is read are read again once it is done. */
  const reading = new Map<string, boolean>();
  const follow = async (change: JournalChange) => {
    if (leading) return;
    if ("cleared" in change) return dropUnjournaled();
    const key = `${change.room} ${change.sessionId}`;
    if (reading.has(key)) {
      reading.set(key, true);
      return;
    }
    try {
      do {
        reading.set(key, false);
        await showNewer(change.room, change.sessionId);
      } while (reading.get(key));
    } finally {
      reading.delete(key);
    }
  };
  Journal.follow((change) => void follow(change).catch(() => {}));

  /**
   * One tab of the app holds the relay links, by a Web Lock. The laptop keeps one channel per phone
   * and room, so two tabs' links kept replacing each other's channel and what either sent was lost.
   * Another tab says "open in another tab", waits for the lock (it gets it when that tab closes),
   * and can take the links over (`useHere`: the lock is stolen, and the tab that held it closes its
   * links and waits in turn). Without Web Locks every tab runs its own links, as before.
   */
  const LINKS_LOCK = "codex-remote:links";
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  let leading = locks === undefined;
  let otherTab = false;
  const lead = (steal: boolean): Promise<void> =>
    new Promise((granted) => {
      locks!
        .request(LINKS_LOCK, steal ? { steal: true } : {}, () => {
          leading = true;
          otherTab = false;
          granted();
          startLinks();
          // held for as long as this page lives
          return new Promise<void>(() => {});
        })
        .catch(() => {
          // another tab stole the lock
          leading = false;
          elsewhere();
          void closeAll().then(() => {
            publish();
            void lead(false);
          });
        });
    });
  const startLinks = () =>
    void startAll()
      .then(() => registerNativePush())
      .catch(() => publish());
  /**
   * Another tab holds the links: say so, show what this phone kept, and ask that tab for what it
   * shows beyond the journals (every time: the tab with the links may be one that never heard this
   * one, and mirrors nothing until some tab asks).
   */
  const elsewhere = () => {
    otherTab = true;
    void showJournals().catch(() => {});
    mirror.hello();
  };
  const closeAll = async () => {
    for (const laptopId of new Set([...links.values()].map((l) => l.record.id))) await closeLaptop(laptopId, false);
  };
  if (!locks) startLinks();
  else {
    void lead(false);
    // a reload's new page may ask before the old one has let go: say "elsewhere" only if the lock
    // is still someone else's a moment later
    setTimeout(() => {
      void locks.query().then((q) => {
        if (!leading && q.held?.some((l) => l.name === LINKS_LOCK)) {
          elsewhere();
          publish();
        }
      });
    }, 500);
  }

  /**
   * A laptop forgotten in a tab without the links: the tab that holds them closes that laptop's
   * links and drops their journals, which the forgetting tab (having no links) could not.
   */
  const laptopsChannel =
    typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("codex-remote:laptops") : undefined;
  laptopsChannel?.addEventListener("message", (e: MessageEvent) => {
    const m = ForgotMessage.safeParse(e.data);
    if (!m.success || !leading) return;
    void closeLaptop(m.data.forgot, true).then(publish);
  });

  /** In the iOS shell: APNs registration (the Capacitor bridge is loaded only there). */
  const registerNativePush = async () => {
    const cap = (globalThis as { Capacitor?: { isNativePlatform?: () => boolean } }).Capacitor;
    if (!cap?.isNativePlatform?.()) return;
    const { registerApns } = await import("../push/apns.ts");
    await registerApns(register).catch(() => {});
  };

  const linkFor = (sessionId: string): LaptopLink | undefined => {
    for (const l of links.values()) if (l.has(sessionId)) return l;
    return links.size === 1 ? [...links.values()][0] : undefined;
  };
  const act = (sessionId: string, fn: (l: LaptopLink) => void) => {
    const l = linkFor(sessionId);
    if (!l) {
      store.dispatch({
        type: "notice",
        sessionId,
        code: "NOT_SENT",
        message: otherTab
          ? "Not sent: this app is open in another tab (tap Use here to use it in this one)"
          : "Not sent: this session's laptop is not linked",
        at: Date.now(),
      });
      return;
    }
    try {
      fn(l);
    } catch (e) {
      store.dispatch({
        type: "notice",
        sessionId,
        code: "NOT_SENT",
        message: `Not sent: ${e instanceof Error ? e.message : String(e)}`,
        at: Date.now(),
      });
    }
  };

  const actions: SessionActions = {
    prompt: (s, text) => act(s, (l) => l.prompt(s, text)),
    slash: (s, name, args) => act(s, (l) => l.slash(s, name, args.split(/\s+/).filter(Boolean))),
    approve: (s, requestId, decision, answers) =>
      act(s, (l) => {
        const given = answers ? { answers } : {};
        l.sendFrame({ type: "approval_response", sessionId: s, requestId, decision, ...given }, "control");
        shared.dispatch({ type: "approval_sent", sessionId: s, requestId, decision, ...given, at: Date.now() });
      }),
    interrupt: (s) => act(s, (l) => l.slash(s, "interrupt", [])),
    requestControl: (s) => act(s, (l) => void l.requestControl(s)),
    releaseControl: (s) => act(s, (l) => l.releaseControl(s)),
    terminalInput: (s, data) => act(s, (l) => l.terminalInput(data)),
    terminalResize: (s, cols, rows) =>
      act(s, (l) => l.sendFrame({ type: "terminal_resize", sessionId: s, cols, rows }, "input")),
    voiceFrame: (s, f) => act(s, (l) => l.voiceFrame(s, f)),
    bargeIn: (s) => act(s, (l) => l.bargeIn(s)),
  };

  /**
   * Pairing through a room a link of this phone is in (the laptop's own, or another of its
   * sessions'): that link stops, and none opens there until the pairing ends. The laptop keeps one
   * channel per phone and room, so an old link's handshake in the middle of the pairing replaced
   * the pairing's channel and the new link never heard back. If the pairing does not go through,
   * the links come back.
   */
  const pairing = (): PairingFlow => {
    let result: PairedResult | undefined;
    let room: string | undefined;
    const end = (restart: boolean) => {
      if (room === undefined) return;
      pairingRooms.delete(room);
      room = undefined;
      if (restart) void startAll();
    };
    return {
      begin: async (text) => {
        const id = await me();
        const offerRoom = parsePairingLink(text.trim()).roomId;
        // a pairing makes a link: this tab takes the links over first
        if (!leading) await lead(true);
        room = offerRoom;
        pairingRooms.add(room);
        for (const [key, link] of [...links]) {
          if (link.record.room !== room) continue;
          // the laptop's first link carries its other rooms' links: they go with it
          if (key === link.record.id) await closeLaptop(key, false);
          else closeLink(key);
        }
        try {
          result = await pairWithLink(text, id);
        } catch (e) {
          end(true);
          throw e;
        }
        return { sas: result.sas, laptop: result.record.name };
      },
      confirm: async () => {
        if (!result) throw new Error("nothing to confirm");
        const r = result;
        result = undefined;
        end(false);
        await saveLaptop(r.record);
        await closeLaptop(r.record.id, false);
        const id = await me();
        const link = new LaptopLink(linkOptions(r.record, id), { client: r.client, channel: r.channel });
        links.set(r.record.id, link);
        followOtherRooms(link, id);
        await link.adoptPaired();
      },
      cancel: () => {
        result?.client.close();
        result = undefined;
        end(true);
      },
    };
  };

  const register = async (target: PushTarget) => {
    const link = [...links.values()].find((l) => l.state === "online") ?? [...links.values()][0];
    if (!link) throw new Error("pair a laptop first");
    await link.client.registerPush(target);
  };

  return {
    voices,
    actions,
    pairing,
    laptops: async () =>
      (await loadLaptops()).map((l) => ({ id: l.id, name: l.name, relayUrl: l.relayUrl, pairedAt: l.pairedAt })),
    useHere: async () => {
      if (!leading) await lead(true);
    },
    forget: async (id) => {
      await closeLaptop(id, true);
      await forgetLaptop(id);
      laptopsChannel?.postMessage({ forgot: id } satisfies z.infer<typeof ForgotMessage>);
      publish();
    },
    push: {
      state: (): Promise<PushState> => webPushState(),
      enable: async () => {
        const key = await vapidKey();
        if (!key) return { kind: "unsupported", why: "the relay offers no Web Push key" };
        return enableWebPush(key, register);
      },
    },
  };
}

/** The relay's VAPID public key: the relay answers `vapid-public-key` next to the app when Web Push is set up. */
async function vapidKey(): Promise<string | undefined> {
  try {
    const res = await fetch("./vapid-public-key", { cache: "no-store" });
    if (!res.ok) return undefined;
    const text = (await res.text()).trim();
    return /^[A-Za-z0-9_-]{40,120}$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
