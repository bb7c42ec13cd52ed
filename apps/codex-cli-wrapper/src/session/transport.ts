import type { AudioFrame, BinaryFrame, ControlFrame, ControlFrameInput } from "@codex-remote/protocol";
import type { PushCategory } from "@codex-remote/protocol/relay";

/** What the session host hears from the phones' side (already opened and decoded). */
export interface TransportHandlers {
  /** A phone completed its handshake; `resumeAfterSeq` = last agent-event seq it holds. */
  attached(deviceId: string, resumeAfterSeq: number | undefined): void;
  detached(deviceId: string): void;
  control(deviceId: string, frame: ControlFrame): void;
  terminalInput(deviceId: string, bytes: Uint8Array): void;
  /** A sealed audio frame from a phone (voice), opened. */
  audioInput?(deviceId: string, frame: AudioFrame): void;
  /** The relay says a phone asks for control. */
  controlRequested(deviceId: string): void;
  /** The relay link went up or down. */
  online(up: boolean): void;
  /** A phone paired (new long-term keys stored). */
  paired(deviceId: string, name: string): void;
  /** The phone lost frames (relay gap): resync it. */
  resyncNeeded(deviceId: string): void;
}

/**
 * The phones' side of a session as the host sees it: sealing, the relay and pairing live behind it.
 * `RelayTransport` is the real one (RelayClient + SecureChannel from @codex-remote/protocol).
 */
export interface HostTransport {
  readonly online: boolean;
  /** Bytes given to the link that the network has not taken yet. */
  backlogBytes(): number;
  attachedDevices(): readonly string[];
  /** Seals `frame` for one attached phone and sends it. False when that phone is not attached. */
  send(deviceId: string, frame: ControlFrameInput): boolean;
  /** Any binary frame (voice replies) sealed for one attached phone. False when it is not attached. */
  sendBinary?(deviceId: string, frame: BinaryFrame): boolean;
  /** Terminal output to every attached phone (sealed per phone). */
  sendTerminal(streamId: number, sequence: number, bytes: Uint8Array): void;
  /** Relay-level controller (the relay forwards input-class frames only from it); null = the laptop. */
  setController(deviceId: string | null): Promise<void>;
  /** Relay-level refusal of a phone's control request (the relay tells that phone). */
  refuseControl?(deviceId: string): Promise<void>;
  /** A content-free push to the phones that are not looking (the relay decides who gets one). */
  notify?(category: PushCategory): void;
  /** Tells the relay to cut the device; the transport refuses it from now on. */
  revokeDevice(deviceId: string): Promise<void>;
  setHandlers(handlers: TransportHandlers): void;
  close(): Promise<void>;
}
