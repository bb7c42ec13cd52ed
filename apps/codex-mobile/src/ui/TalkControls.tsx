import { useEffect, useMemo, useState } from "preact/hooks";
import type { VoiceState } from "../voice/voice.ts";
import { useServices } from "./context.ts";

/**
 * Hold-to-talk (press and hold the mic) and hands-free (double-tap toggles; the VAD decides when to
 * send). Tapping while the agent speaks interrupts it (barge-in).
 */
export function TalkControls({ id, disabled }: { id: string; disabled: boolean }) {
  const { voice } = useServices();
  const io = useMemo(() => voice(id), [voice, id]);
  const [state, setState] = useState<VoiceState>(io.state);
  const [handsFree, setHandsFree] = useState(false);
  useEffect(() => {
    const off = io.onState((s) => setState(s));
    return () => {
      off();
      io.stop();
    };
  }, [io]);
  const label =
    state === "speaking"
      ? "Agent speaking: tap to interrupt"
      : handsFree
        ? "Hands-free on: tap to turn off"
        : "Hold to talk; double-tap for hands-free";
  return (
    <button
      type="button"
      class="talk"
      disabled={disabled}
      aria-label={label}
      aria-pressed={state === "sending" || handsFree}
      data-state={state}
      data-testid="talk"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture?.(e.pointerId);
        if (state === "speaking") return io.bargeIn();
        if (handsFree) return;
        void io.start("hold").then(() => io.press(true));
      }}
      onPointerUp={() => io.press(false)}
      onPointerCancel={() => io.press(false)}
      onDblClick={() => {
        const on = !handsFree;
        setHandsFree(on);
        if (on) void io.start("handsfree");
        else io.stop();
      }}
    >
      {state === "speaking" ? <StopIcon /> : <MicIcon />}
    </button>
  );
}

function MicIcon() {
  return (
    <svg
      width="22"
      height="22"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
    >
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3" stroke-linecap="round" />
    </svg>
  );
}

function StopIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
      <rect x="5" y="5" width="14" height="14" rx="2" />
    </svg>
  );
}
