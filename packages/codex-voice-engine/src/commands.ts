/** Voice commands: a small phrase list mapped to actions, and the JSGF grammar built from it. */

export type VoiceAction =
  | { readonly type: "approve" }
  | { readonly type: "deny" }
  | { readonly type: "stop" }
  | { readonly type: "repeat" }
  | { readonly type: "prompt"; readonly text: string };

export interface CommandPhrase {
  readonly phrase: string;
  readonly action: VoiceAction;
}

export const DEFAULT_COMMANDS: ReadonlyArray<CommandPhrase> = [
  { phrase: "approve", action: { type: "approve" } },
  { phrase: "deny", action: { type: "deny" } },
  { phrase: "stop", action: { type: "stop" } },
  { phrase: "run the tests", action: { type: "prompt", text: "run the tests" } },
  { phrase: "read that again", action: { type: "repeat" } },
];

export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The action for a transcript: an exact command phrase, else a prompt with the transcript itself. */
export function matchCommand(transcript: string, commands: ReadonlyArray<CommandPhrase>): VoiceAction | undefined {
  const said = normalise(transcript);
  if (said.length === 0) return undefined;
  for (const c of commands) if (normalise(c.phrase) === said) return c.action;
  return { type: "prompt", text: transcript.trim() };
}

/** A closed JSGF grammar accepting exactly the command phrases (plus optional extra phrases). */
export function commandGrammar(phrases: ReadonlyArray<string>): string {
  const alts = [...new Set(phrases.map(normalise).filter((p) => p.length > 0))];
  if (alts.length === 0) throw new RangeError("a grammar needs at least one phrase");
  return `#JSGF V1.0;\ngrammar commands;\npublic <command> = ${alts.join(" | ")};\n`;
}
