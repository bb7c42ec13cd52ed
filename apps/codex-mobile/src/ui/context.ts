import { createContext } from "preact";
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import type { PairedLaptop, PairingFlow, SessionActions } from "../net/actions.ts";
import type { PushState } from "../push/push.ts";
import type { Store } from "../store/store.ts";
import type { AppState } from "../store/types.ts";
import type { VoiceIO } from "../voice/voice.ts";

export interface AppServices {
  store: Store;
  actions: SessionActions;
  pairing: () => PairingFlow;
  laptops: () => Promise<PairedLaptop[]>;
  forget: (id: string) => Promise<void>;
  push: { state: () => Promise<PushState>; enable: () => Promise<PushState> };
  voice: (sessionId: string) => VoiceIO;
  /** Takes the relay links over from another tab of the app. */
  useHere: () => Promise<void>;
}

export const Services = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(Services);
  if (!s) throw new Error("AppServices missing");
  return s;
}

/** Subscribes to the store and re-renders when the selected slice changes (by reference). */
export function useAppState<T>(select: (s: AppState) => T): T {
  const { store } = useServices();
  const [value, setValue] = useState(() => select(store.state));
  const selectRef = useRef(select);
  selectRef.current = select;
  useEffect(() => {
    const update = (s: AppState) => setValue(() => selectRef.current(s));
    update(store.state);
    return store.subscribe(update);
  }, [store]);
  return value;
}
