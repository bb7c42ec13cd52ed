import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { opusCodec } from "@codex-remote/codex-voice-engine/opus";
import type { AgentEvent } from "@codex-remote/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import { createVoiceAdapters } from "../../src/voice/adapters.ts";
import { tempConfigDir } from "../helpers/cli.ts";
import { type Laptop, startLaptop, until } from "../helpers/laptop.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";
import { say } from "../helpers/voice.ts";

/** Peak level of the reply frames the phone got (decoded as the phone would). */
function replyPeak(phone: ScriptedPhone, from = 0): number {
  const opus = opusCodec(16_000);
  let peak = 0;
  for (const f of phone.audio.slice(from)) {
    expect(f).toMatchObject({ codec: "opus", sampleRate: 16_000, channels: 1 });
    for (const s of opus.decode(f.data)) peak = Math.max(peak, Math.abs(s));
  }
  opus.dispose();
  return peak;
}

const approvalRequests = (laptop: Laptop) =>
  laptop.seen.filter((e): e is Extract<AgentEvent, { kind: "approval_requested" }> => e.kind === "approval_requested");

describe("voice from the phone, through a real relay: Opus frames → pocketsphinx → the agent → espeak-ng → Opus back", () => {
  let relay: RelayProcess;

  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  async function voiceLaptop(configToml?: string): Promise<{ laptop: Laptop; phone: ScriptedPhone }> {
    // The CLI's own adapter choice (offline defaults: pocketsphinx + espeak-ng).
    const dir = tempConfigDir();
    if (configToml) writeFileSync(join(dir, "config.toml"), configToml);
    const settings = loadSettings({}, { CODEX_REMOTE_CONFIG_DIR: dir });
    const laptop = await startLaptop(relay.url, tempConfigDir(), {
      controlGrant: "auto",
      host: { voice: { adapters: () => createVoiceAdapters(settings.voice) } },
    });
    const phone = new ScriptedPhone("pixel");
    await phone.pair((await laptop.transport.pair()).link);
    await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 5000, "session_open");
    await laptop.host.voice!.warmUp();
    return { laptop, phone };
  }

  async function takeControl(phone: ScriptedPhone): Promise<void> {
    await phone.requestControl();
    await phone.waitFor(() => phone.controller === phone.deviceId, 10_000, "control");
  }

  it('"approve" spoken on the phone answers the pending approval', async () => {
    const { laptop, phone } = await voiceLaptop();
    try {
      // A turn typed on the laptop stops for an approval...
      await laptop.host.localInput("hello");
      await until(() => approvalRequests(laptop).length === 1, "approval requested", 20_000);
      const request = approvalRequests(laptop)[0]!;
      // ...the phone takes control and says "approve" (audio only: it sends no approval_response).
      await takeControl(phone);
      const framesBefore = laptop.host.voice!.sentFrames;
      await say(phone, "approve", { seq: 0 });
      await until(
        () => laptop.seen.some((e) => e.kind === "approval_resolved" && e.requestId === request.requestId),
        "approval resolved",
        30_000,
      );
      const resolved = laptop.seen.find((e) => e.kind === "approval_resolved" && e.requestId === request.requestId);
      expect(resolved).toMatchObject({ decision: "accept", by: phone.deviceId });
      expect(laptop.notices).toContain('voice: heard "approve"');
      expect(laptop.notices).toContain("voice: approve");
      expect(phone.frames.some((f) => f.type === "approval_response")).toBe(false);
      // The phone sees it resolved by itself, and the approved command ran.
      await phone.waitFor(
        () => phone.events.some((e) => e.event.kind === "approval_resolved" && e.event.requestId === request.requestId),
        10_000,
        "resolution on the phone",
      );
      await until(() => laptop.seen.some((e) => e.kind === "command_end"), "command ran", 20_000);
      // The rest of the turn is spoken after the answer: the agent goes on to its file change and
      // asks again, and that question is voiced (seconds of speech, far more than the answer's cue).
      await until(() => approvalRequests(laptop).length === 2, "the next approval", 20_000);
      await until(() => laptop.host.voice!.sentFrames - framesBefore >= 60, "the rest of the turn spoken", 30_000);
      await until(() => laptop.host.voice!.state === "idle", "voice idle after speaking", 30_000);
      await laptop.backend.interrupt();
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 90_000);

  it("a spoken phrase becomes a prompt, the reply comes back as audio, barge-in stops it, and 'deny' answers", async () => {
    const { laptop, phone } = await voiceLaptop();
    try {
      await takeControl(phone);
      const stream = { seq: 0 };
      await say(phone, "run the tests", stream);
      // The demo backend gets the phrase as a voice prompt.
      await until(
        () => laptop.seen.some((e) => e.kind === "user_message" && e.text === "run the tests" && e.source === "voice"),
        "voice prompt reached the backend",
        30_000,
      );
      // Its reply is spoken: sealed Opus frames come back to the phone, with real audio in them.
      await phone.waitFor(() => phone.audio.length >= 50, 30_000, "reply audio frames");
      expect(replyPeak(phone)).toBeGreaterThan(2000);
      expect(phone.audio.some((f) => f.streamId === 3)).toBe(true);

      // Barge-in (the app's tap: stop_stream cancelled): the reply stops.
      phone.sendFrame({ type: "stop_stream", sessionId: phone.sessionId(), streamId: 2, reason: "cancelled" });
      await until(() => laptop.notices.includes("voice: barge-in (api)"), "barge-in", 10_000);
      await until(() => laptop.host.voice!.state === "idle", "voice idle after barge-in", 10_000);
      const afterBargeIn = laptop.host.voice!.sentFrames;
      await new Promise((r) => setTimeout(r, 500));
      expect(laptop.host.voice!.sentFrames).toBe(afterBargeIn);

      // The turn waits for its approval; "deny" by voice declines it.
      await until(() => approvalRequests(laptop).length >= 1, "approval requested", 20_000);
      const request = approvalRequests(laptop)[0]!;
      await say(phone, "deny", stream);
      await until(
        () => laptop.seen.some((e) => e.kind === "approval_resolved" && e.requestId === request.requestId),
        "approval resolved by voice",
        30_000,
      );
      expect(
        laptop.seen.find((e) => e.kind === "approval_resolved" && e.requestId === request.requestId),
      ).toMatchObject({ decision: "decline", by: phone.deviceId });
      await laptop.backend.interrupt();
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 120_000);

  it("speaking over the reply barges in; 'stop' interrupts the agent's turn", async () => {
    const { laptop, phone } = await voiceLaptop();
    try {
      await takeControl(phone);
      const stream = { seq: 0 };
      await say(phone, "run the tests", stream);
      await phone.waitFor(() => phone.audio.length >= 50, 30_000, "reply audio frames");
      // The demo turn is waiting for its approval while the reply is still being spoken.
      await until(() => approvalRequests(laptop).length >= 1, "approval requested", 20_000);
      await say(phone, "stop", stream);
      await until(() => laptop.notices.includes("voice: barge-in (speech)"), "barge-in by speech", 20_000);
      await until(() => laptop.notices.includes("voice: stop"), "stop command", 30_000);
      await until(() => laptop.seen.some((e) => e.kind === "turn_interrupted"), "turn interrupted", 20_000);
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 90_000);

  it("voice.phrases extends the offline grammar; 'approve' with nothing pending is a typed error on the phone", async () => {
    const { laptop, phone } = await voiceLaptop('[voice]\nphrases = ["show me the diff"]\n');
    try {
      await takeControl(phone);
      const stream = { seq: 0 };
      await say(phone, "approve", stream);
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "error" && f.code === "VOICE_AGENT_FAILED"),
        30_000,
        "VOICE_AGENT_FAILED",
      );
      const err = phone.frames.find((f) => f.type === "error" && f.code === "VOICE_AGENT_FAILED");
      expect(err?.type === "error" && err.message).toContain("no approval is pending");
      await until(() => laptop.host.voice!.state === "idle", "voice idle", 10_000);
      await say(phone, "show me the diff", stream);
      await until(
        () =>
          laptop.seen.some((e) => e.kind === "user_message" && e.text === "show me the diff" && e.source === "voice"),
        "configured phrase reached the backend as a prompt",
        30_000,
      );
      await laptop.backend.interrupt();
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 90_000);

  it("audio from a phone that is not in control is refused", async () => {
    const { laptop, phone } = await voiceLaptop();
    try {
      // Sent as control class so the relay forwards it: the laptop itself refuses it.
      phone.sendBinary(
        {
          type: "audio",
          streamId: 2,
          sequence: 0,
          codec: "pcm_s16le",
          sampleRate: 16_000,
          channels: 1,
          frameDurationUs: 20_000,
          data: new Uint8Array(640),
        },
        "control",
      );
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "error" && f.code === "NOT_IN_CONTROL"),
        10_000,
        "NOT_IN_CONTROL",
      );
      expect(laptop.host.voice!.state).toBe("idle");
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 60_000);
});
