import { render } from "preact";
import { createServices } from "./net/services.ts";
import { App } from "./ui/App.tsx";
import { Services } from "./ui/context.ts";
import "./ui/styles.css";
import { applyTheme, loadTheme } from "./ui/theme.ts";

applyTheme(loadTheme());
const services = createServices();
const root = document.getElementById("app")!;
root.textContent = "";
render(
  <Services.Provider value={services}>
    <App />
  </Services.Provider>,
  root,
);
performance.mark("codex-mobile:first-render");

if ("serviceWorker" in navigator && location.protocol !== "file:") {
  addEventListener("load", () => {
    navigator.serviceWorker.register("./sw.js", { scope: "./" }).catch(() => {
      // no service worker (private mode, http on a LAN address): the app still works online
    });
  });
}
