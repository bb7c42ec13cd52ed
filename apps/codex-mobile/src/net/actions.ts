import type { ApprovalAnswers, ApprovalDecision } from "@codex-remote/protocol";

/** What the UI can ask of a session. The connection seals each into a protocol frame. */
export interface SessionActions {
  prompt(sessionId: string, text: string): void;
  slash(sessionId: string, name: string, args: string): void;
  /** `answers` for an approval that asked questions (with `accept`). */
  approve(sessionId: string, requestId: string, decision: ApprovalDecision, answers?: ApprovalAnswers): void;
  interrupt(sessionId: string): void;
  requestControl(sessionId: string): void;
  releaseControl(sessionId: string): void;
  terminalInput(sessionId: string, data: Uint8Array): void;
  terminalResize(sessionId: string, cols: number, rows: number): void;
  /** One 20 ms voice frame (Opus, or s16 PCM at 16 kHz where no encoder exists). */
  voiceFrame(sessionId: string, frame: VoiceFrame): void;
  /** Barge-in: the user spoke or tapped while the agent was speaking. */
  bargeIn(sessionId: string): void;
}

export interface VoiceFrame {
  codec: "opus" | "pcm_s16";
  sampleRate: number;
  frameMs: number;
  data: Uint8Array;
}

/** Pairing, as the screen sees it: offer parsed → SAS shown → user confirms or cancels. */
export interface PairingFlow {
  /** Parses a link or QR text and starts the exchange; resolves with the short authentication string. */
  begin(linkOrText: string): Promise<{ sas: string; laptop: string }>;
  confirm(): Promise<void>;
  cancel(): void;
}

export interface PairedLaptop {
  id: string;
  name: string;
  relayUrl: string;
  pairedAt: number;
}
