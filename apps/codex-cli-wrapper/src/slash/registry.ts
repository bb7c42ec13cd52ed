import { WrapperError } from "../config/errors.ts";

/** Who typed the command: the laptop's terminal, or a paired phone (by device id). */
export type SlashOrigin = { readonly kind: "local" } | { readonly kind: "remote"; readonly deviceId: string };

export interface SlashCommand<C> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly usage: string;
  readonly summary: string;
  /** Whether a phone in control may run it (pairing a new device, for one, is laptop-only). */
  readonly remote: boolean;
  run(ctx: C, args: readonly string[], origin: SlashOrigin): Promise<string> | string;
}

export interface ParsedSlash {
  readonly name: string;
  readonly args: string[];
}

/** `/approve abc "for session"` → { name: "approve", args: ["abc", "for session"] }; undefined if no slash. */
export function parseSlash(line: string): ParsedSlash | undefined {
  const text = line.trim();
  if (!text.startsWith("/") || text.startsWith("//")) return undefined;
  const tokens: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of text.slice(1).matchAll(re)) tokens.push(m[1] ?? m[2] ?? m[3] ?? "");
  const [name, ...args] = tokens;
  if (!name) return undefined;
  return { name: name.toLowerCase(), args };
}

/**
 * The slash-command router: a registry that later commands plug into with `register`. One
 * instance serves the laptop's terminal and the phone (`exec_cmd` frames); it knows nothing of either.
 */
export class SlashRegistry<C> {
  private readonly commands = new Map<string, SlashCommand<C>>();
  private readonly aliases = new Map<string, string>();

  register(command: SlashCommand<C>): this {
    if (this.commands.has(command.name)) throw new Error(`slash command /${command.name} is already registered`);
    this.commands.set(command.name, command);
    for (const a of command.aliases ?? []) this.aliases.set(a, command.name);
    return this;
  }

  get(name: string): SlashCommand<C> | undefined {
    return this.commands.get(name) ?? this.commands.get(this.aliases.get(name) ?? "");
  }

  list(): readonly SlashCommand<C>[] {
    return [...this.commands.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  help(): string {
    const rows = this.list().map((c) => `  ${c.usage.padEnd(28)} ${c.summary}${c.remote ? "" : " (laptop only)"}`);
    return ["Slash commands:", ...rows].join("\n");
  }

  /** Runs one parsed line. Unknown commands, and laptop-only commands from a phone, are typed errors. */
  async dispatch(ctx: C, line: string, origin: SlashOrigin): Promise<string> {
    const parsed = parseSlash(line);
    if (!parsed) throw new WrapperError("SLASH_USAGE", "a slash command starts with /");
    const command = this.get(parsed.name);
    if (!command) {
      const close = this.list().find((c) => c.name.startsWith(parsed.name.slice(0, 2)));
      const hint = close ? ` (did you mean /${close.name}?)` : "";
      throw new WrapperError("SLASH_UNKNOWN", `unknown command /${parsed.name}${hint}; /help lists them`, parsed.name);
    }
    if (origin.kind === "remote" && !command.remote)
      throw new WrapperError("SLASH_FORBIDDEN", `/${command.name} can only be run on the laptop`, command.name);
    return command.run(ctx, parsed.args, origin);
  }
}
