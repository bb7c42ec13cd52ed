import { enableWebPush, type PushState, webPushState } from "../push/push.ts";
import type { PushTarget } from "../push/target.ts";
import { Store } from "../store/store.ts";
import type { AppServices } from "../ui/context.ts";
import { createVoice, type VoiceIO } from "../voice/voice.ts";
import type { PairingFlow, SessionActions } from "./actions.ts";

/** Wires the store, the relay connection, pairing, push and voice for the UI. */
export function createServices(): AppServices {
  const store = new Store(undefined, (fn) => requestAnimationFrame(() => fn()));
  const actions: SessionActions = {
    prompt: () => {},
    slash: () => {},
    approve: () => {},
    interrupt: () => {},
    requestControl: () => {},
    releaseControl: () => {},
    terminalInput: () => {},
    terminalResize: () => {},
    voiceFrame: () => {},
    bargeIn: () => {},
  };
  const voices = new Map<string, VoiceIO>();
  const pairing = (): PairingFlow => ({
    begin: async () => {
      throw new Error("not connected");
    },
    confirm: async () => {},
    cancel: () => {},
  });
  const register = async (_t: PushTarget) => {};
  return {
    store,
    actions,
    pairing,
    laptops: async () => [],
    forget: async () => {},
    push: {
      state: (): Promise<PushState> => webPushState(),
      enable: () => enableWebPush("", register),
    },
    voice: (id) => {
      let v = voices.get(id);
      if (!v) {
        v = createVoice({ frame: (f) => actions.voiceFrame(id, f), bargeIn: () => actions.bargeIn(id) });
        voices.set(id, v);
      }
      return v;
    },
  };
}
