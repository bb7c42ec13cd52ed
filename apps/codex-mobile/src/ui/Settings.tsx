import { useEffect, useState } from "preact/hooks";
import type { PairedLaptop } from "../net/actions.ts";
import type { PushState } from "../push/push.ts";
import { useServices } from "./context.ts";
import { ago } from "./format.ts";
import { href } from "./router.ts";
import { applyTheme, loadTheme, type ThemeChoice } from "./theme.ts";

export function Settings() {
  const { laptops, forget, push } = useServices();
  const [theme, setTheme] = useState<ThemeChoice>(loadTheme);
  const [paired, setPaired] = useState<PairedLaptop[]>([]);
  const [pushState, setPushState] = useState<PushState | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void laptops().then(setPaired);
    void push.state().then(setPushState);
  }, [laptops, push]);
  return (
    <>
      <header class="topbar">
        <a class="btn ghost" href={href({ name: "sessions" })} aria-label="Back to sessions">
          ‹
        </a>
        <h1>Settings</h1>
      </header>
      <main class="pad stack">
        <section class="card stack" aria-labelledby="theme-h">
          <h2 id="theme-h" class="small muted" style={{ margin: 0 }}>
            Theme
          </h2>
          <div class="row">
            {(["system", "dark", "light"] as const).map((t) => (
              <button
                key={t}
                type="button"
                aria-pressed={theme === t}
                class={theme === t ? "primary grow" : "grow"}
                onClick={() => {
                  applyTheme(t);
                  setTheme(t);
                }}
              >
                {t}
              </button>
            ))}
          </div>
        </section>
        <section class="card stack" aria-labelledby="push-h">
          <h2 id="push-h" class="small muted" style={{ margin: 0 }}>
            Notifications
          </h2>
          <p class="small" data-testid="push-state">
            {describePush(pushState)}
          </p>
          <button
            type="button"
            class="primary"
            disabled={busy || pushState?.kind === "on" || pushState?.kind === "unsupported"}
            onClick={async () => {
              setBusy(true);
              setPushState(await push.enable());
              setBusy(false);
            }}
          >
            {pushState?.kind === "on" ? "Notifications on" : "Enable notifications"}
          </button>
          <p class="small muted">Notifications carry no content; the app decrypts when you open it.</p>
        </section>
        <section class="card stack" aria-labelledby="laptops-h">
          <h2 id="laptops-h" class="small muted" style={{ margin: 0 }}>
            Paired laptops
          </h2>
          {paired.length === 0 && <p class="small muted">None yet.</p>}
          {paired.map((l) => (
            <div key={l.id} class="row">
              <div class="grow">
                <div>{l.name}</div>
                <div class="small muted ellipsis">
                  {l.relayUrl} · paired {ago(l.pairedAt)}
                </div>
              </div>
              <button
                type="button"
                class="danger"
                aria-label={`Forget ${l.name}`}
                onClick={async () => {
                  await forget(l.id);
                  setPaired(await laptops());
                }}
              >
                Forget
              </button>
            </div>
          ))}
        </section>
      </main>
    </>
  );
}

function describePush(s: PushState | undefined): string {
  if (!s) return "Checking…";
  switch (s.kind) {
    case "unsupported":
      return `Not available: ${s.why}.`;
    case "denied":
      return "Blocked in the browser settings.";
    case "off":
      return "Off.";
    case "on":
      return "On: the relay will notify this phone.";
    case "error":
      return `Could not subscribe: ${s.message}`;
  }
}
