import { useEffect, useState } from "preact/hooks";

export type Route =
  | { name: "sessions" }
  | { name: "session"; id: string; tab: "timeline" | "terminal" | undefined }
  | { name: "pair"; link?: string }
  | { name: "settings" }
  /** From a notification tap: the session that needs the user, or the list. */
  | { name: "open" };

/** Routes live in the hash as `#/…`; any other hash is a pairing link's fragment. */
export function parseRoute(hash: string, href: string): Route {
  if (!hash || hash === "#" || hash === "#/") return { name: "sessions" };
  if (!hash.startsWith("#/")) return { name: "pair", link: href };
  const parts = hash.slice(2).split("/").map(decodeURIComponent);
  // A notification tap opens `#/open/<room>`: the list, where that laptop's sessions show their state.
  if (parts[0] === "open") return { name: "open" };
  if (parts[0] === "s" && parts[1]) {
    const tab = parts[2] === "terminal" ? "terminal" : parts[2] === "timeline" ? "timeline" : undefined;
    return { name: "session", id: parts[1], tab };
  }
  if (parts[0] === "pair") return { name: "pair" };
  if (parts[0] === "settings") return { name: "settings" };
  return { name: "sessions" };
}

export function href(route: Route): string {
  switch (route.name) {
    case "sessions":
      return "#/";
    case "session":
      return `#/s/${encodeURIComponent(route.id)}${route.tab ? `/${route.tab}` : ""}`;
    case "pair":
      return "#/pair";
    case "settings":
      return "#/settings";
    case "open":
      return "#/open";
  }
}

export function navigate(route: Route, replace = false): void {
  const url = new URL(location.href);
  url.hash = href(route);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash, location.href));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash, location.href));
    addEventListener("hashchange", on);
    addEventListener("popstate", on);
    return () => {
      removeEventListener("hashchange", on);
      removeEventListener("popstate", on);
    };
  }, []);
  return route;
}
