import { useMemo, useRef, useState } from "preact/hooks";
import type { SlashCommand } from "../store/types.ts";
import { useAppState, useServices } from "./context.ts";
import { TalkControls } from "./TalkControls.tsx";

/** Built-in commands the wrapper's router knows; the wrapper can announce more (`commands` input). */
export const DEFAULT_COMMANDS: SlashCommand[] = [
  { name: "help", description: "List commands" },
  { name: "status", description: "Agent, model and session state" },
  { name: "approve", description: "Approve the pending request" },
  { name: "deny", description: "Deny the pending request" },
  { name: "interrupt", description: "Stop the current turn" },
  { name: "control", description: "Who is in control" },
  { name: "mode", description: "Claude: plan, accept-edits or default" },
  { name: "goal", description: "A goal the agent keeps working on (codex): text, pause, resume, clear" },
  { name: "pair", description: "Show pairing info" },
];

export function Composer({ id }: { id: string }) {
  const { actions } = useServices();
  const control = useAppState((s) => s.sessions[id]?.control ?? "none");
  const turnActive = useAppState((s) => s.sessions[id]?.turnActive ?? false);
  const announced = useAppState((s) => s.sessions[id]?.commands);
  const [text, setText] = useState("");
  const [sel, setSel] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const canAct = control === "granted";
  const commands = announced && announced.length > 0 ? announced : DEFAULT_COMMANDS;
  const palette = useMemo(() => {
    if (!text.startsWith("/") || text.includes(" ")) return [];
    const q = text.slice(1).toLowerCase();
    return commands.filter((c) => c.name.toLowerCase().startsWith(q));
  }, [text, commands]);

  const send = () => {
    const value = text.trim();
    if (!value || !canAct) return;
    if (value.startsWith("/")) {
      const [name = "", ...rest] = value.slice(1).split(/\s+/);
      actions.slash(id, name, rest.join(" "));
    } else actions.prompt(id, value);
    setText("");
  };
  const pick = (c: SlashCommand) => {
    setText(`/${c.name} `);
    setSel(0);
    area.current?.focus();
  };

  return (
    <footer class="composer">
      {palette.length > 0 && canAct && (
        <ul class="palette" aria-label="Slash commands" data-testid="palette">
          {palette.map((c, i) => (
            <li key={c.name}>
              <button type="button" data-selected={i === sel} onClick={() => pick(c)}>
                <span class="mono">/{c.name}</span>
                <span class="muted small">{c.description}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label class="sr-only" for="prompt">
          Prompt
        </label>
        <textarea
          id="prompt"
          ref={area}
          rows={1}
          value={text}
          disabled={!canAct}
          placeholder={canAct ? "Ask, or / for commands" : "Read-only"}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (palette.length > 0 && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
              e.preventDefault();
              setSel((s) => (s + (e.key === "ArrowDown" ? 1 : palette.length - 1)) % palette.length);
            } else if (palette.length > 0 && (e.key === "Tab" || (e.key === "Enter" && !e.shiftKey))) {
              e.preventDefault();
              pick(palette[sel] ?? palette[0]!);
            } else if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }}
        />
        {/* while the agent works, a typed message joins its turn (the agent reads it at its next step) */}
        {(!turnActive || text.trim()) && (
          <button type="submit" class="primary" disabled={!canAct || !text.trim()} aria-label="Send prompt">
            Send
          </button>
        )}
        {turnActive && (
          <button type="button" class="danger" disabled={!canAct} onClick={() => actions.interrupt(id)}>
            Stop
          </button>
        )}
        <TalkControls id={id} disabled={!canAct} />
      </form>
    </footer>
  );
}
