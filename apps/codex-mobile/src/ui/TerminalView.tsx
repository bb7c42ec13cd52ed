import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef } from "preact/hooks";
import { useServices } from "./context.ts";

const BASE_FONT = 13;
const MIN_FONT = 6;

/**
 * The live terminal (xterm.js, loaded lazily). The laptop's PTY decides the grid (cols × rows from
 * `session_open` / `terminal_resize`), so the phone shows exactly that grid and scales the font to fit
 * its width (scrolling sideways below a minimum size) — lines wrap where they wrap on the laptop.
 * Buffered output is replayed, then the store is followed; keystrokes go back to the laptop, and the
 * size this screen could show at a readable font is sent as a hint. xterm parses writes in time
 * slices, so a flood of output never blocks input.
 */
export function TerminalView({ id }: { id: string }) {
  const { store, actions } = useServices();
  const host = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const dark = getComputedStyle(document.documentElement).colorScheme !== "light";
    const term = new Terminal({
      fontSize: BASE_FONT,
      scrollback: 20_000,
      cursorBlink: false,
      theme: dark ? { background: "#000000" } : { background: "#ffffff", foreground: "#14161c", cursor: "#14161c" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    let version = 0;
    let grid = "";
    let hint = "";
    const layout = () => {
      const t = store.state.sessions[id]?.terminal;
      if (!t || el.clientWidth === 0) return;
      // What fits at the base font (scaled from the current cell size): the hint for the laptop, and
      // the yardstick for scaling the font so the laptop's columns fit this width.
      const current = term.options.fontSize ?? BASE_FONT;
      const proposed = fit.proposeDimensions();
      if (!proposed || !Number.isFinite(proposed.cols)) return;
      const natural = {
        cols: Math.max(2, Math.floor((proposed.cols * current) / BASE_FONT)),
        rows: Math.max(2, Math.floor((proposed.rows * current) / BASE_FONT)),
      };
      const size = Math.max(MIN_FONT, Math.min(BASE_FONT, Math.floor((BASE_FONT * natural.cols * 2) / t.cols) / 2));
      term.options.fontSize = size;
      const key = `${t.cols}x${t.rows}@${size}`;
      if (key !== grid) {
        grid = key;
        term.resize(t.cols, t.rows);
        el.dataset.font = String(size);
      }
      const h = `${natural.cols}x${natural.rows}`;
      if (h !== hint && store.state.sessions[id]?.control === "granted") {
        hint = h;
        actions.terminalResize(id, natural.cols, natural.rows);
      }
    };
    const pump = () => {
      const t = store.state.sessions[id]?.terminal;
      if (!t) return;
      if (`${t.cols}x${t.rows}` !== grid.split("@")[0]) layout();
      if (t.version === version) return;
      const fresh = Math.min(t.version - version, t.chunks.length);
      for (const chunk of t.chunks.slice(t.chunks.length - fresh)) term.write(chunk);
      version = t.version;
    };
    layout();
    pump();
    const unsubscribe = store.subscribe(pump);
    const input = term.onData((data) => actions.terminalInput(id, new TextEncoder().encode(data)));
    const ro = new ResizeObserver(() => layout());
    ro.observe(el);
    const focus = () => term.focus();
    el.addEventListener("click", focus);
    (el as HTMLElement & { term?: Terminal }).term = term;
    return () => {
      el.removeEventListener("click", focus);
      ro.disconnect();
      input.dispose();
      unsubscribe();
      term.dispose();
    };
  }, [id, store, actions]);
  return <section class="term" ref={host} data-testid="terminal" aria-label="Terminal" />;
}
