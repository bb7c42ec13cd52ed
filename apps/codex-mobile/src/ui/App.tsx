import { useEffect } from "preact/hooks";
import { sessionList } from "../store/reduce.ts";
import { ConnectionBar } from "./ConnectionBar.tsx";
import { useServices } from "./context.ts";
import { PairScreen } from "./PairScreen.tsx";
import { navigate, useRoute } from "./router.ts";
import { SessionList } from "./SessionList.tsx";
import { SessionScreen } from "./SessionScreen.tsx";
import { Settings } from "./Settings.tsx";

export function App() {
  const route = useRoute();
  return (
    <>
      <ConnectionBar />
      {route.name === "sessions" && <SessionList />}
      {route.name === "session" && <SessionScreen id={route.id} tab={route.tab} />}
      {route.name === "pair" && <PairScreen {...(route.link ? { link: route.link } : {})} />}
      {route.name === "settings" && <Settings />}
      {route.name === "open" && <OpenFromNotification />}
    </>
  );
}

/**
 * A notification carries no content, so its tap lands here: once the app has caught up, go to the
 * session waiting for the user (an approval, the push's usual reason, or a goal it cannot go on
 * with), else to the list.
 */
function OpenFromNotification() {
  const { store } = useServices();
  useEffect(() => {
    const pick = () => {
      const waiting = sessionList(store.state).find(
        (s) => s.state === "waiting_for_approval" || s.state === "needs_you",
      );
      if (waiting) navigate({ name: "session", id: waiting.id, tab: "timeline" }, true);
      return waiting !== undefined;
    };
    if (pick()) return;
    const off = store.subscribe(() => {
      if (pick()) off();
    });
    const t = setTimeout(() => {
      off();
      navigate({ name: "sessions" }, true);
    }, 8000);
    return () => {
      off();
      clearTimeout(t);
    };
  }, [store]);
  return <SessionList />;
}
