import { useEffect, useRef, useState } from "preact/hooks";
import type { PairingFlow } from "../net/actions.ts";
import { useServices } from "./context.ts";
import { href, navigate } from "./router.ts";
import { scanQr } from "./scan.ts";

type Step =
  | { k: "input" }
  | { k: "scanning" }
  | { k: "working" }
  | { k: "sas"; sas: string; laptop: string }
  | { k: "done"; laptop: string }
  | { k: "error"; message: string };

/** Pairing: scan the laptop's QR code or open/paste its link, then compare the six digits. */
export function PairScreen({ link }: { link?: string }) {
  const { pairing } = useServices();
  const [step, setStep] = useState<Step>({ k: "input" });
  const [text, setText] = useState("");
  const flow = useRef<PairingFlow | undefined>(undefined);
  const video = useRef<HTMLVideoElement>(null);
  const scanner = useRef<{ stop: () => void } | undefined>(undefined);

  const begin = async (value: string) => {
    flow.current?.cancel();
    const f = pairing();
    flow.current = f;
    setStep({ k: "working" });
    try {
      const { sas, laptop } = await f.begin(value.trim());
      setStep({ k: "sas", sas, laptop });
    } catch (e) {
      setStep({ k: "error", message: e instanceof Error ? e.message : String(e) });
    }
  };

  useEffect(() => {
    if (link) {
      // The secret sits in the fragment: take it out of the address bar and history at once.
      history.replaceState(null, "", `${location.pathname}#/pair`);
      void begin(link);
    }
    return () => {
      scanner.current?.stop();
      flow.current?.cancel();
    };
  }, []);

  const startScan = () => {
    if (!video.current) return;
    setStep({ k: "scanning" });
    const s = scanQr(video.current);
    scanner.current = s;
    s.result.then(
      (value) => void begin(value),
      (e: unknown) => setStep({ k: "error", message: e instanceof Error ? e.message : "camera unavailable" }),
    );
  };

  return (
    <>
      <header class="topbar">
        <a class="btn ghost" href={href({ name: "sessions" })} aria-label="Back to sessions">
          ‹
        </a>
        <h1>Pair a laptop</h1>
      </header>
      <main class="pad stack" data-testid="pair-screen">
        {(step.k === "input" || step.k === "scanning" || step.k === "error") && (
          <>
            <p class="muted">
              On your laptop run <span class="mono">codex-remote pair</span>, then scan its QR code or paste its link.
            </p>
            <div class="scanner" hidden={step.k !== "scanning"}>
              <video ref={video} muted playsInline aria-label="Camera preview" />
            </div>
            {step.k === "scanning" ? (
              <button
                type="button"
                onClick={() => {
                  scanner.current?.stop();
                  setStep({ k: "input" });
                }}
              >
                Stop camera
              </button>
            ) : (
              <button type="button" class="primary" style={{ width: "100%" }} onClick={startScan}>
                Scan QR code
              </button>
            )}
            <form
              class="stack"
              onSubmit={(e) => {
                e.preventDefault();
                void begin(text);
              }}
            >
              <label for="pair-link">Or paste the pairing link</label>
              <input
                id="pair-link"
                value={text}
                autoComplete="off"
                spellcheck={false}
                placeholder="codex-remote://pair?…"
                onInput={(e) => setText(e.currentTarget.value)}
              />
              <button type="submit" disabled={!text.trim()} style={{ width: "100%" }}>
                Pair with link
              </button>
            </form>
            {step.k === "error" && (
              <p role="alert" class="exit" data-ok="false" data-testid="pair-error">
                {step.message}
              </p>
            )}
          </>
        )}
        {step.k === "working" && <p role="status">Contacting the laptop through the relay…</p>}
        {step.k === "sas" && (
          <>
            <p>Check that your laptop shows the same six digits:</p>
            <div class="sas mono" data-testid="sas">
              <span class="sr-only">Code {step.sas.split("").join(" ")}</span>
              <span aria-hidden="true">
                {step.sas.slice(0, 3)} {step.sas.slice(3)}
              </span>
            </div>
            <p class="small muted">Laptop: {step.laptop}</p>
            <div class="row">
              <button
                type="button"
                class="danger grow"
                onClick={() => {
                  flow.current?.cancel();
                  setStep({
                    k: "error",
                    message:
                      "Not paired: the codes differ, so someone may be in the middle. Nothing was stored on this phone; on the laptop, remove it with `codex-remote devices revoke`.",
                  });
                }}
              >
                They differ
              </button>
              <button
                type="button"
                class="primary grow"
                onClick={async () => {
                  try {
                    await flow.current?.confirm();
                    setStep({ k: "done", laptop: step.laptop });
                  } catch (e) {
                    setStep({ k: "error", message: e instanceof Error ? e.message : String(e) });
                  }
                }}
              >
                They match
              </button>
            </div>
          </>
        )}
        {step.k === "done" && (
          <>
            <p role="status" data-testid="paired">
              Paired with {step.laptop}. This phone reconnects on its own from now on.
            </p>
            <button type="button" class="primary" onClick={() => navigate({ name: "sessions" })}>
              See sessions
            </button>
          </>
        )}
      </main>
    </>
  );
}
