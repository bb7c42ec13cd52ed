import { useEffect, useState } from "preact/hooks";
import { useAppState, useServices } from "./context.ts";
import { ago } from "./format.ts";

const LABEL = {
  online: "Connected",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  elsewhere: "Open in another tab",
} as const;

/** Says what the connection really is: no green dot unless the relay answered. */
export function ConnectionBar() {
  const conn = useAppState((s) => s.connection);
  const { useHere } = useServices();
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);
  return (
    <div class="conn" role="status" aria-live="polite" data-state={conn.state} data-testid="connection">
      <span class="dot" aria-hidden="true" />
      <span class="ellipsis grow">
        {LABEL[conn.state]}
        {conn.state !== "online" && conn.since ? ` · since ${ago(conn.since)}` : ""}
        {conn.detail ? ` · ${conn.detail}` : ""}
      </span>
      {conn.state === "elsewhere" && (
        <button type="button" data-testid="use-here" onClick={() => void useHere()}>
          Use here
        </button>
      )}
    </div>
  );
}
