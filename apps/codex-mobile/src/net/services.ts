import { Store } from "../store/store.ts";
import type { AppServices } from "../ui/context.ts";
import { createVoice, type VoiceIO } from "../voice/voice.ts";
import type { SessionActions } from "./actions.ts";
import type { createLiveServices } from "./live.ts";

type Live = ReturnType<typeof createLiveServices>;

/**
 * The services the UI sees. The store exists at once; the network half (`live.ts`: protocol, relay,
 * pairing, push) is a separate chunk loaded after the first paint, and every call waits for it.
 */
export function createServices(): AppServices {
  const store = new Store(undefined, (fn) => requestAnimationFrame(() => fn()));
  let live: Live | undefined;
  const voices = new Map<string, VoiceIO>();
  const ready: Promise<Live> = new Promise((resolve) => {
    const load = () =>
      void import("./live.ts").then((m) => {
        live = m.createLiveServices(store);
        for (const [id, v] of voices) live.voices.set(id, v);
        resolve(live);
      });
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => setTimeout(load, 0));
    else load();
  });
  const call =
    <K extends keyof SessionActions>(k: K) =>
    (...args: Parameters<SessionActions[K]>) => {
      if (live) (live.actions[k] as (...a: Parameters<SessionActions[K]>) => void)(...args);
      else void ready.then((l) => (l.actions[k] as (...a: Parameters<SessionActions[K]>) => void)(...args));
    };
  const actions: SessionActions = {
    prompt: call("prompt"),
    slash: call("slash"),
    approve: call("approve"),
    interrupt: call("interrupt"),
    requestControl: call("requestControl"),
    releaseControl: call("releaseControl"),
    terminalInput: call("terminalInput"),
    terminalResize: call("terminalResize"),
    voiceFrame: call("voiceFrame"),
    bargeIn: call("bargeIn"),
  };
  return {
    store,
    actions,
    pairing: () => {
      let flow: ReturnType<Live["pairing"]> | undefined;
      return {
        begin: async (text) => {
          flow = (await ready).pairing();
          return flow.begin(text);
        },
        confirm: async () => flow?.confirm(),
        cancel: () => flow?.cancel(),
      };
    },
    laptops: async () => (await ready).laptops(),
    useHere: async () => (await ready).useHere(),
    forget: async (id) => (await ready).forget(id),
    push: {
      state: async () => (await ready).push.state(),
      enable: async () => (await ready).push.enable(),
    },
    voice: (id) => {
      let v = voices.get(id);
      if (!v) {
        v = createVoice({ frame: (f) => actions.voiceFrame(id, f), bargeIn: () => actions.bargeIn(id) });
        voices.set(id, v);
        live?.voices.set(id, v);
      }
      return v;
    },
  };
}
