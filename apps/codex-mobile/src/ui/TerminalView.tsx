import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef } from "preact/hooks";
import { useServices } from "./context.ts";

/**
 * The live terminal (xterm.js, loaded lazily). Replays the buffered output, then follows the store;
 * keystrokes and size changes go back to the laptop. xterm parses writes in time slices, so a flood
 * of output never blocks input.
 */
export function TerminalView({ id }: { id: string }) {
  const { store, actions } = useServices();
  const host = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const dark = getComputedStyle(document.documentElement).colorScheme !== "light";
    const term = new Terminal({
      convertEol: false,
      fontSize: 13,
      scrollback: 20_000,
      cursorBlink: false,
      theme: dark ? { background: "#000000" } : { background: "#ffffff", foreground: "#14161c", cursor: "#14161c" },
      screenReaderMode: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    let version = 0;
    const pump = () => {
      const t = store.state.sessions[id]?.terminal;
      if (!t || t.version === version) return;
      const fresh = Math.min(t.version - version, t.chunks.length);
      for (const chunk of t.chunks.slice(t.chunks.length - fresh)) term.write(chunk);
      version = t.version;
    };
    pump();
    const unsubscribe = store.subscribe(pump);
    const input = term.onData((data) => actions.terminalInput(id, new TextEncoder().encode(data)));
    let last = "";
    const resize = () => {
      try {
        fit.fit();
      } catch {
        return; // not laid out yet
      }
      const key = `${term.cols}x${term.rows}`;
      if (key !== last) {
        last = key;
        actions.terminalResize(id, term.cols, term.rows);
      }
    };
    const ro = new ResizeObserver(() => resize());
    ro.observe(el);
    resize();
    (el as HTMLElement & { term?: Terminal }).term = term;
    return () => {
      ro.disconnect();
      input.dispose();
      unsubscribe();
      term.dispose();
    };
  }, [id, store, actions]);
  return <section class="term" ref={host} data-testid="terminal" aria-label="Terminal" />;
}
