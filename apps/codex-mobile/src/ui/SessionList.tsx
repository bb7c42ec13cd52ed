import { useEffect, useState } from "preact/hooks";
import type { PairedLaptop } from "../net/actions.ts";
import { sessionList } from "../store/reduce.ts";
import { useAppState, useServices } from "./context.ts";
import { ago, folderName, STATE_LABEL } from "./format.ts";
import { href } from "./router.ts";

export function SessionList() {
  const { laptops } = useServices();
  const sessions = useAppState((s) => s.sessions);
  const order = useAppState((s) => s.order);
  const elsewhere = useAppState((s) => s.connection.state === "elsewhere");
  const list = sessionList({ sessions, order, connection: { state: "online", since: 0 } });
  const [paired, setPaired] = useState<PairedLaptop[] | null>(null);
  useEffect(() => {
    void laptops().then(setPaired);
  }, [laptops]);
  return (
    <>
      <header class="topbar">
        <h1>Sessions</h1>
        <a class="btn" href={href({ name: "pair" })} aria-label="Pair a laptop">
          Pair
        </a>
        <a class="btn" href={href({ name: "settings" })} aria-label="Settings">
          ⚙
        </a>
      </header>
      <main>
        {list.length === 0 && (
          <div class="pad stack muted">
            {elsewhere ? (
              <p data-testid="elsewhere">
                This app is open in another tab, which shows your sessions. Tap Use here to see them in this one.
              </p>
            ) : paired && paired.length === 0 ? (
              <p>
                No laptop paired yet. Run <span class="mono">codex-remote pair</span> on your laptop and scan the code.
              </p>
            ) : (
              <p>
                No sessions yet. Start one on your laptop with <span class="mono">codex-remote</span>.
              </p>
            )}
          </div>
        )}
        <ul class="list" aria-label="Sessions">
          {list.map((s) => (
            <li key={s.id}>
              <a class="card" href={href({ name: "session", id: s.id, tab: undefined })} data-testid="session-row">
                <div class="row">
                  <strong class="grow ellipsis">{folderName(s.folder) || s.id}</strong>
                  {/* a tab without the links shows what it kept; whether the session runs, the other tab knows */}
                  <span class="badge" data-state={elsewhere ? "elsewhere" : s.state}>
                    {elsewhere ? "in another tab" : STATE_LABEL[s.state]}
                  </span>
                </div>
                <div class="row small muted">
                  <span class="grow ellipsis">
                    {s.agent} · {s.folder || "unknown folder"}
                    {s.laptop ? ` · ${s.laptop}` : ""}
                  </span>
                  <span>{ago(s.lastActivity)}</span>
                </div>
                {s.resyncing && <div class="small muted">Catching up…</div>}
              </a>
            </li>
          ))}
        </ul>
      </main>
    </>
  );
}
