import { Effect, Exit, Fiber, PubSub, Queue, Scope, Stream } from "effect";
import type { SttStream } from "../adapters.ts";
import type { AgentTurn } from "../agent/types.ts";
import type { CueName } from "../audio/cues.ts";
import { ENGINE_RATE, FRAME_MS, Reframer, resample, samplesPerFrame } from "../audio/pcm.ts";
import { SentenceChunker } from "../chunker.ts";
import { DEFAULT_COMMANDS, matchCommand, normalise, type VoiceAction } from "../commands.ts";
import {
  AgentError,
  describe,
  type SttError,
  type TtsError,
  VoiceAudioError,
  type VoiceConfigError,
  type VoiceError,
} from "../errors.ts";
import { type GateEvent, TurnGate } from "../gate.ts";
import { type MetricName, type TelemetryFields, telemetryLine, VoiceMetrics } from "../metrics.ts";
import { energyVad } from "../vad/energy.ts";
import { validateTuning } from "./config.ts";
import { heardText, Playback, type PlaybackItem, type SpokenSentence } from "./playback.ts";
import type { VoiceEvent, VoiceSession, VoiceSessionConfig, VoiceState } from "./types.ts";

interface Utterance {
  readonly stream: SttStream;
  readonly startedAt: number;
}

interface ActiveTurn {
  readonly gen: number;
  fiber: Fiber.Fiber<void> | undefined;
  readonly sentences: SpokenSentence[];
  reply: string;
  interrupted: boolean;
}

/**
 * Builds a running voice session. Everything concurrent lives in one scope: the capture fiber,
 * utterance finishers and agent turns are its children; closing the session interrupts them all.
 */
export const makeVoiceSession = (config: VoiceSessionConfig): Effect.Effect<VoiceSession, VoiceConfigError> =>
  Effect.gen(function* () {
    const tuning = yield* validateTuning(config);
    const now = config.now ?? (() => performance.now());
    const scope = yield* Scope.make();
    const vad = config.vad ?? energyVad({ sensitivity: tuning.sensitivity });
    const gate = new TurnGate(tuning);
    const metrics = new VoiceMetrics();
    const commands = config.commands ?? DEFAULT_COMMANDS;
    const frame16 = samplesPerFrame(ENGINE_RATE);
    const playRate = tuning.playbackRate;
    const playFrame = samplesPerFrame(playRate);

    const input = yield* Queue.sliding<Int16Array>(Math.max(1, Math.round(tuning.inputQueueMs / FRAME_MS)));
    const playQueue = yield* Queue.bounded<PlaybackItem>(Math.max(1, Math.round(tuning.playbackBufferMs / FRAME_MS)));
    const playback = new Playback(playQueue, playRate, playFrame);
    const pubsub = yield* PubSub.unbounded<VoiceEvent>();
    const listeners = new Set<(event: VoiceEvent) => void>();

    let state: VoiceState = "idle";
    let closed = false;
    let utterance: Utterance | undefined;
    let turn: ActiveTurn | undefined;
    let lastReply = "";
    let quietCue = false;
    let inputReframer: { rate: number; reframer: Reframer } | undefined;
    const stats = { framesIn: 0, framesDropped: 0, utterances: 0, turns: 0, bargeIns: 0, errors: 0 };

    const telemetry = (phase: string, event: string, fields?: TelemetryFields) => {
      if (config.onTelemetry) config.onTelemetry(telemetryLine(Date.now(), phase, event, fields));
    };
    const emit = (event: VoiceEvent) => {
      PubSub.publishUnsafe(pubsub, event);
      for (const l of listeners) {
        try {
          l(event);
        } catch {
          // a listener's failure is its own
        }
      }
    };
    const setState = (next: VoiceState) => {
      if (next === state || state === "closed") return;
      const previous = state;
      state = next;
      telemetry("session", "state", { from: previous, to: next });
      emit({ type: "state", state: next, previous });
    };
    const metric = (name: MetricName, valueMs: number) => {
      metrics.record(name, valueMs);
      telemetry("metrics", name, { ms: valueMs });
      emit({ type: "metric", name, valueMs });
    };
    const cue = (name: CueName) => {
      if (tuning.cues) playback.playCue(name);
    };
    const reportError = (error: VoiceError) => {
      stats.errors++;
      telemetry("error", error.code, { tag: error._tag });
      emit({ type: "error", error: { code: error.code, tag: error._tag, message: error.message } });
      cue("error");
    };
    const fork = <A, E>(effect: Effect.Effect<A, E>) => Effect.runFork(Effect.forkIn(effect, scope));

    // ---- turn timing (per utterance) -------------------------------------------------------------
    let speechEndAt: number | undefined;
    let finalAt: number | undefined;

    // ---- agent turns -----------------------------------------------------------------------------
    const speak = (
      text: string,
      current: ActiveTurn,
      marks: { firstTokenAt: number | undefined; firstAudio: boolean },
    ) =>
      Effect.gen(function* () {
        const sentence: SpokenSentence = { text, synthesizedSamples: 0, playedSamples: 0, complete: false };
        current.sentences.push(sentence);
        const reframer = new Reframer(playFrame);
        const enqueue = (frames: Int16Array[]) =>
          Effect.forEach(
            frames,
            (samples) =>
              Effect.gen(function* () {
                sentence.synthesizedSamples += samples.length;
                yield* Queue.offer(playQueue, { kind: "audio", gen: current.gen, sentence, samples });
                if (!marks.firstAudio) {
                  marks.firstAudio = true;
                  const t = now();
                  if (marks.firstTokenAt !== undefined) metric("first_token_to_first_audio_ms", t - marks.firstTokenAt);
                  if (speechEndAt !== undefined) metric("speech_end_to_first_audio_ms", t - speechEndAt);
                  setState("speaking");
                }
              }),
            { discard: true },
          );
        yield* Stream.runForEach(config.tts.synthesize(text), (audio) =>
          enqueue(reframer.push(resample(audio.samples, audio.sampleRate, playRate))),
        );
        yield* enqueue(reframer.flush());
        sentence.complete = true;
      });

    /** What a turn speaks: a new prompt's reply, the last reply again, or the rest of a turn. */
    type TurnSource = { prompt: string } | { repeat: true } | { continued: AgentTurn };
    const runTurn = (current: ActiveTurn, source: TurnSource) =>
      Effect.gen(function* () {
        const marks = { firstTokenAt: undefined as number | undefined, firstAudio: false };
        const chunker = new SentenceChunker();
        setState("thinking");
        if ("repeat" in source) {
          // "read that again": speak the last reply without asking the agent.
          current.reply = lastReply;
          for (const piece of chunker.push(`${lastReply} `)) yield* speak(piece, current, marks);
        } else {
          const agentTurn =
            "continued" in source
              ? source.continued
              : yield* Effect.try({
                  try: () => {
                    cue("thinking");
                    return config.agent.send(source.prompt);
                  },
                  catch: (cause) => new AgentError({ message: describe(cause) }),
                });
          const tokens = Stream.fromAsyncIterable(
            agentTurn.tokens,
            (cause) => new AgentError({ message: describe(cause) }),
          );
          yield* Stream.runForEach(tokens, (token) =>
            Effect.gen(function* () {
              if (marks.firstTokenAt === undefined) {
                marks.firstTokenAt = now();
                if (finalAt !== undefined) metric("final_to_first_token_ms", marks.firstTokenAt - finalAt);
              }
              current.reply += token;
              emit({ type: "agent-text", text: token });
              for (const piece of chunker.push(token)) yield* speak(piece, current, marks);
            }),
          ).pipe(Effect.onInterrupt(() => Effect.promise(() => agentTurn.interrupt().catch(() => undefined))));
          lastReply = current.reply;
        }
        for (const piece of chunker.flush()) yield* speak(piece, current, marks);
        yield* Queue.offer(playQueue, { kind: "end", gen: current.gen });
        telemetry("agent", "turn-complete", { chars: current.reply.length, sentences: current.sentences.length });
      }).pipe(
        Effect.catch((error: AgentError | TtsError) =>
          Effect.gen(function* () {
            reportError(error);
            if (current.reply.length > 0) lastReply = current.reply;
            // Whatever was already queued still plays; the end marker closes the turn after it.
            yield* Queue.offer(playQueue, { kind: "end", gen: current.gen });
          }),
        ),
        // A defect in an adapter must not leave the session stuck in "thinking".
        Effect.catchDefect((defect) =>
          Effect.gen(function* () {
            reportError(new AgentError({ message: `turn failed: ${describe(defect)}` }));
            yield* Queue.offer(playQueue, { kind: "end", gen: current.gen });
          }),
        ),
      );

    const finishTurn = (gen: number) => {
      const current = turn;
      if (!current || current.gen !== gen) return;
      turn = undefined;
      const heard = heardText(current.sentences);
      emit({ type: "turn-end", reply: current.reply, heard, interrupted: current.interrupted });
      if (state === "thinking" || state === "speaking") setState("idle");
    };

    /** Stops the running turn: silence first (synchronously), then cancel TTS and the agent. */
    const stopTurn = (source: "speech" | "push-to-talk" | "api" | "command"): Effect.Effect<void> => {
      const current = turn;
      if (!current) return Effect.void;
      const t0 = now();
      current.interrupted = true;
      playback.flush();
      turn = undefined;
      stats.bargeIns++;
      const heard = heardText(current.sentences);
      telemetry("barge-in", source, { heardChars: heard.length, replyChars: current.reply.length });
      emit({ type: "barge-in", source, heard });
      emit({ type: "turn-end", reply: current.reply, heard, interrupted: true });
      if (current.reply.length > 0) lastReply = current.reply;
      if (state === "thinking" || state === "speaking") setState("idle");
      const fiber = current.fiber;
      return (fiber ? Fiber.interrupt(fiber) : Effect.void).pipe(
        Effect.andThen(
          Effect.sync(() => {
            playback.flush();
            metric("barge_in_to_silence_ms", now() - t0);
          }),
        ),
      );
    };

    const startTurn = (source: TurnSource) =>
      Effect.gen(function* () {
        yield* stopTurn("command");
        playback.flush();
        stats.turns++;
        const current: ActiveTurn = {
          gen: playback.gen,
          fiber: undefined,
          sentences: [],
          reply: "",
          interrupted: false,
        };
        turn = current;
        current.fiber = yield* Effect.forkIn(runTurn(current, source), scope);
      });

    // ---- transcripts and commands ------------------------------------------------------------------
    /** Back to idle after a transcript that starts no turn (unless the user already speaks again). */
    const settle = () => {
      if (state === "transcribing") setState("idle");
    };
    const dispatch = (action: VoiceAction): Effect.Effect<void> =>
      Effect.gen(function* () {
        emit({ type: "action", action });
        telemetry("command", action.type);
        switch (action.type) {
          case "approve":
          case "deny": {
            cue("accepted");
            const resolve = config.agent.resolveApproval?.bind(config.agent);
            if (resolve) {
              const rest = yield* Effect.tryPromise({
                try: () => resolve(action.type),
                catch: (cause) => new AgentError({ message: describe(cause) }),
              }).pipe(
                Effect.catch((e) =>
                  Effect.sync(() => {
                    reportError(e);
                    return undefined;
                  }),
                ),
              );
              // the agent goes on after the answer: its turn is spoken on like a reply
              if (rest) {
                yield* startTurn({ continued: rest });
                return;
              }
            }
            settle();
            return;
          }
          case "stop":
            cue("accepted");
            yield* stopTurn("command");
            settle();
            return;
          case "repeat":
            cue("accepted");
            if (lastReply.length === 0) {
              settle();
              return;
            }
            yield* startTurn({ repeat: true });
            return;
          case "prompt":
            cue("accepted");
            yield* startTurn({ prompt: action.text });
            return;
        }
      });

    const finishUtterance = (current: Utterance, endedAt: number) =>
      Effect.gen(function* () {
        const text = yield* current.stream.finish;
        finalAt = now();
        metric("speech_end_to_final_ms", finalAt - endedAt);
        emit({ type: "final", text });
        telemetry("stt", "final", { chars: text.length, utteranceMs: endedAt - current.startedAt });
        const action = matchCommand(text, commands);
        if (!action) return settle();
        yield* dispatch(action);
      }).pipe(
        Effect.catch((error: SttError) =>
          Effect.sync(() => {
            reportError(error);
            if (state === "transcribing") setState("idle");
          }),
        ),
      );

    // ---- capture path ------------------------------------------------------------------------------
    const vocabulary = config.stt.vocabulary?.map(normalise);
    /** A partial that is a whole phrase of a closed grammar, and not the start of a longer one. */
    const phraseComplete = (partial: string): boolean => {
      if (!vocabulary) return false;
      const said = normalise(partial);
      return vocabulary.includes(said) && !vocabulary.some((p) => p.startsWith(`${said} `));
    };
    const onGate = (event: GateEvent, viaPtt: boolean): Effect.Effect<void> =>
      Effect.gen(function* () {
        switch (event.type) {
          case "onset":
            if (turn && tuning.mode !== "push-to-talk") {
              quietCue = true;
              fork(stopTurn("speech"));
            }
            return;
          case "start": {
            if (turn && viaPtt) {
              quietCue = true;
              fork(stopTurn("push-to-talk"));
            }
            if (utterance) fork(utterance.stream.cancel);
            stats.utterances++;
            const stream = yield* config.stt
              .start((text) => {
                emit({ type: "partial", text });
                if (phraseComplete(text)) gate.shortenEnd(tuning.phraseEndSilenceMs);
              })
              .pipe(
                Effect.catch((error: SttError) => Effect.sync(() => reportError(error)).pipe(Effect.as(undefined))),
              );
            if (!stream) return;
            utterance = { stream, startedAt: now() };
            for (const f of event.preRoll) stream.push(f);
            // No cue right after a barge-in: the listener asked for silence.
            if (!quietCue) cue("listening");
            quietCue = false;
            telemetry("gate", "start", { preRollFrames: event.preRoll.length, ptt: viaPtt });
            setState("listening");
            return;
          }
          case "audio":
            utterance?.stream.push(event.frame);
            return;
          case "end": {
            const current = utterance;
            utterance = undefined;
            if (!current) return;
            speechEndAt = now();
            finalAt = undefined;
            telemetry("gate", "end", { reason: event.reason, utteranceMs: speechEndAt - current.startedAt });
            setState("transcribing");
            fork(finishUtterance(current, speechEndAt));
            return;
          }
        }
      });

    const captureLoop = Effect.gen(function* () {
      for (;;) {
        const frame = yield* Queue.take(input);
        yield* Effect.suspend(() => {
          const speech = vad.isSpeech(frame);
          return Effect.forEach(gate.push(frame, speech), (event) => onGate(event, false), { discard: true });
        }).pipe(
          // A defect in the VAD or an STT adapter is reported; capture goes on with the next frame.
          Effect.catchDefect((defect) =>
            Effect.sync(() =>
              reportError(new VoiceAudioError({ message: `capture path failed: ${describe(defect)}` })),
            ),
          ),
        );
      }
    });
    fork(captureLoop);

    const enqueueFrame = (frame: Int16Array) => {
      stats.framesIn++;
      if (Queue.sizeUnsafe(input) >= input.capacity) stats.framesDropped++;
      Queue.offerUnsafe(input, frame);
    };

    const session: VoiceSession = {
      pushAudioFrame(frame, sampleRate = ENGINE_RATE) {
        if (closed) return;
        if (sampleRate === ENGINE_RATE && frame.length === frame16) return enqueueFrame(frame);
        if (!inputReframer || inputReframer.rate !== sampleRate) {
          inputReframer = { rate: sampleRate, reframer: new Reframer(frame16) };
        }
        for (const f of inputReframer.reframer.push(resample(frame, sampleRate, ENGINE_RATE))) enqueueFrame(f);
      },
      nextPlaybackChunk() {
        if (closed) return undefined;
        return playback.pull(finishTurn).frame;
      },
      pushToTalk(down) {
        if (closed) return;
        const events = gate.pushToTalk(down);
        fork(Effect.forEach(events, (e) => onGate(e, true), { discard: true }));
      },
      bargeIn() {
        if (closed) return;
        fork(stopTurn("api"));
      },
      events: Stream.fromPubSub(pubsub),
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      state: () => state,
      stats: () => ({ ...stats }),
      metrics: () => metrics.snapshot(),
      close: Effect.gen(function* () {
        if (closed) return;
        setState("closed");
        closed = true;
        if (utterance) yield* utterance.stream.cancel;
        utterance = undefined;
        turn = undefined;
        playback.flush();
        yield* Scope.close(scope, Exit.void);
        yield* Queue.shutdown(input);
        yield* Queue.shutdown(playQueue);
        yield* PubSub.shutdown(pubsub);
        vad.dispose();
        if (config.closeAdapters !== false) {
          yield* config.stt.close;
          yield* config.tts.close;
        }
        listeners.clear();
      }),
    };
    telemetry("session", "start", {
      mode: tuning.mode,
      playbackMs: tuning.playbackBufferMs,
      stt: config.stt.name,
      tts: config.tts.name,
    });
    return session;
  });
