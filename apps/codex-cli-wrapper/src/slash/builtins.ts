import type { ApprovalAnswers, ApprovalDecision, ApprovalQuestion } from "@codex-remote/protocol";
import { AGENT_MODES, type AgentMode, type GoalChange } from "../backends/types.ts";
import { WrapperError } from "../config/errors.ts";
import { answersFromChoices } from "./answers.ts";
import { type SlashOrigin, SlashRegistry } from "./registry.ts";

/** What the built-in commands need from a session; the session host implements it. */
export interface SessionControls {
  status(): string;
  /** Pending approval ids, oldest first. */
  pendingApprovals(): readonly string[];
  answerApproval(
    requestId: string,
    decision: ApprovalDecision,
    origin: SlashOrigin,
    answers?: ApprovalAnswers,
  ): boolean;
  /** The questions a pending approval asks instead of a yes/no, if any. */
  approvalQuestions(requestId: string): readonly ApprovalQuestion[] | undefined;
  interrupt(origin: SlashOrigin): Promise<void> | void;
  /** Starts pairing a new device; resolves to the text shown (QR + link). */
  pair(): Promise<string> | string;
  /** Switches the agent's working mode (claude: plan, accept edits, default); resolves to what to show. */
  mode(mode: AgentMode): Promise<string> | string;
  /** Sets, pauses, resumes or clears the agent's goal; resolves to what to show. */
  goal(change: GoalChange): Promise<string> | string;
  /** `take` (laptop or phone asks for control), `release`, or `status`. */
  control(action: "take" | "release" | "status", origin: SlashOrigin): Promise<string> | string;
}

function pickApproval(ctx: SessionControls, id: string | undefined): string {
  const pending = ctx.pendingApprovals();
  if (id) {
    const hit = pending.find((p) => p === id || p.startsWith(id));
    if (!hit) throw new WrapperError("SLASH_USAGE", `no pending approval ${id}`, id);
    return hit;
  }
  const oldest = pending[0];
  if (!oldest) throw new WrapperError("SLASH_USAGE", "nothing is waiting for approval");
  return oldest;
}

/** `/goal` arguments that change the goal rather than name a new one. */
const GOAL_WORDS: Record<string, GoalChange> = {
  pause: { status: "paused" },
  resume: { status: "active" },
  clear: { clear: true },
};

/** The oldest pending approval that asks questions. */
function asking(ctx: SessionControls): string | undefined {
  return ctx.pendingApprovals().find((id) => ctx.approvalQuestions(id) !== undefined);
}

export function builtinCommands(registry: SlashRegistry<SessionControls>): SlashRegistry<SessionControls> {
  return registry
    .register({
      name: "help",
      aliases: ["?"],
      usage: "/help",
      summary: "list the slash commands",
      remote: true,
      run: () => registry.help(),
    })
    .register({
      name: "status",
      usage: "/status",
      summary: "agent, relay, controller and pending approvals",
      remote: true,
      run: (ctx) => ctx.status(),
    })
    .register({
      name: "approve",
      aliases: ["y", "yes"],
      usage: "/approve [id] [session]",
      summary: "accept the oldest (or the given) pending approval",
      remote: true,
      run: (ctx, args, origin) => {
        const forSession = args.includes("session");
        const id = pickApproval(
          ctx,
          args.find((a) => a !== "session"),
        );
        const won = ctx.answerApproval(id, forSession ? "accept_for_session" : "accept", origin);
        return won ? `approved ${id}` : `${id} was already answered`;
      },
    })
    .register({
      name: "answer",
      usage: "/answer [id] <choice per question>",
      summary: "answer the agent's question: an option number (1,3 for several), or your own words",
      remote: true,
      run: (ctx, args, origin) => {
        const named = args[0] !== undefined && ctx.pendingApprovals().some((p) => p === args[0]);
        const id = pickApproval(ctx, named ? args[0] : asking(ctx));
        const questions = ctx.approvalQuestions(id);
        if (!questions) throw new WrapperError("SLASH_USAGE", `${id} asks yes or no: /approve or /deny`, id);
        const answers = answersFromChoices(questions, named ? args.slice(1) : args);
        const won = ctx.answerApproval(id, "accept", origin, answers);
        return won ? `answered ${id}: ${Object.values(answers).join(" / ")}` : `${id} was already answered`;
      },
    })
    .register({
      name: "deny",
      aliases: ["n", "no"],
      usage: "/deny [id]",
      summary: "decline the oldest (or the given) pending approval",
      remote: true,
      run: (ctx, args, origin) => {
        const id = pickApproval(ctx, args[0]);
        const won = ctx.answerApproval(id, "decline", origin);
        return won ? `declined ${id}` : `${id} was already answered`;
      },
    })
    .register({
      name: "interrupt",
      aliases: ["stop"],
      usage: "/interrupt",
      summary: "stop the agent's current turn",
      remote: true,
      run: async (ctx, _args, origin) => {
        await ctx.interrupt(origin);
        return "interrupt sent";
      },
    })
    .register({
      name: "mode",
      usage: `/mode ${AGENT_MODES.join(" | ").replace("accept_edits", "accept-edits")}`,
      summary: "plan without changing anything, apply edits without asking, or ask as configured (claude)",
      remote: true,
      run: (ctx, args) => {
        const mode = (args[0] ?? "").replace("-", "_");
        if (!(AGENT_MODES as readonly string[]).includes(mode))
          throw new WrapperError("SLASH_USAGE", "usage: /mode default | plan | accept-edits", args[0]);
        return ctx.mode(mode as AgentMode);
      },
    })
    .register({
      name: "goal",
      usage: "/goal <objective> | pause | resume | clear",
      summary: "give the agent a goal it keeps working on by itself (codex), or pause, resume, clear it",
      remote: true,
      run: (ctx, args) => {
        const text = args.join(" ").trim();
        if (!text) throw new WrapperError("SLASH_USAGE", "usage: /goal <objective> | pause | resume | clear");
        return ctx.goal(GOAL_WORDS[text] ?? { objective: text });
      },
    })
    .register({
      name: "pair",
      usage: "/pair",
      summary: "show a QR code and link to pair a phone",
      remote: false,
      run: (ctx) => ctx.pair(),
    })
    .register({
      name: "control",
      usage: "/control [take|release|status]",
      summary: "take or release control of the session",
      remote: true,
      run: (ctx, args, origin) => {
        const action = args[0] ?? "take";
        if (action !== "take" && action !== "release" && action !== "status")
          throw new WrapperError("SLASH_USAGE", "usage: /control [take|release|status]", action);
        return ctx.control(action, origin);
      },
    });
}

export const createSlashRouter = (): SlashRegistry<SessionControls> => builtinCommands(new SlashRegistry());
