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
      {state === "speaking" ? "■" : "🎙"}
    </button>
  );
}
