import { ConnectionBar } from "./ConnectionBar.tsx";
import { PairScreen } from "./PairScreen.tsx";
import { useRoute } from "./router.ts";
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
    </>
  );
}
