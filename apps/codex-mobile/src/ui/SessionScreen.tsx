import type { AgentGoal, AgentWorkMode } from "@codex-remote/protocol";
import { lazy, Suspense } from "preact/compat";
import { sessionState } from "../store/reduce.ts";
import { Composer } from "./Composer.tsx";
import { useAppState, useServices } from "./context.ts";
import { folderName, STATE_LABEL } from "./format.ts";
import { href, navigate } from "./router.ts";
import { Timeline } from "./Timeline.tsx";

const TerminalView = lazy(() => import("./TerminalView.tsx").then((m) => m.TerminalView));

export function SessionScreen({ id, tab: chosen }: { id: string; tab: "timeline" | "terminal" | undefined }) {
  const session = useAppState((s) => s.sessions[id]);
  const tab = chosen ?? (session?.mode === "terminal" ? "terminal" : "timeline");
  if (!session) {
    return (
      <>
        <header class="topbar">
          <a class="btn ghost" href={href({ name: "sessions" })} aria-label="Back to sessions">
            ‹
          </a>
          <h1>Session</h1>
        </header>
        <main class="pad muted">Waiting for this session… it appears as soon as the laptop sends it.</main>
      </>
    );
  }
  const state = sessionState(session);
  const folder = session.cwd ?? "";
  return (
    <>
      <header class="topbar">
        <a class="btn ghost" href={href({ name: "sessions" })} aria-label="Back to sessions">
          ‹
        </a>
        <h1>
          {folderName(folder) || session.id}
          <span class="sub">
            {session.agent}
            {session.model ? ` · ${session.model}` : ""} · {folder}
          </span>
        </h1>
        {session.workMode && (
          <span class="badge" data-state="mode" data-testid="work-mode">
            {WORK_MODE_LABEL[session.workMode]}
          </span>
        )}
        <span class="badge" data-state={state} data-testid="session-state">
          {STATE_LABEL[state]}
        </span>
      </header>
      <ControlBanner id={id} />
      {session.goal && <GoalBanner id={id} goal={session.goal} />}
      {session.sync.resync !== "none" && <ResyncBanner id={id} waiting={session.sync.pending.size} />}
      {(session.mode === "terminal" || session.terminal.version > 0) && (
        <div class="tabs" role="tablist" aria-label="Session views">
          <button
            type="button"
            role="tab"
            aria-selected={tab === "timeline"}
            onClick={() => navigate({ name: "session", id, tab: "timeline" }, true)}
          >
            Timeline
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === "terminal"}
            onClick={() => navigate({ name: "session", id, tab: "terminal" }, true)}
          >
            Terminal
          </button>
        </div>
      )}
      {tab === "timeline" ? (
        <Timeline id={id} />
      ) : (
        <Suspense fallback={<main class="pad muted">Loading terminal…</main>}>
          <TerminalView id={id} />
        </Suspense>
      )}
      <Composer id={id} />
    </>
  );
}

function ResyncBanner({ id, waiting }: { id: string; waiting: number }) {
  const { store } = useServices();
  return (
    <div class="banner resync row" role="status" data-testid="resync-banner">
      <span class="grow">Some updates were missed; asking the laptop to send them again…</span>
      {waiting > 0 && (
        <button type="button" onClick={() => store.dispatch({ type: "skip_missing", sessionId: id, at: Date.now() })}>
          Continue without them
        </button>
      )}
    </div>
  );
}

const WORK_MODE_LABEL: Record<AgentWorkMode, string> = {
  default: "",
  plan: "plan mode",
  accept_edits: "accepts edits",
  bypass: "asks nothing",
};

const GOAL_LABEL: Record<AgentGoal["status"], string> = {
  active: "working on it",
  paused: "paused",
  blocked: "blocked: needs you",
  usage_limited: "stopped: usage limit",
  budget_limited: "stopped: token budget used",
  complete: "done",
};

/** The goal the agent keeps working on by itself, and where it stands. */
function GoalBanner({ id, goal }: { id: string; goal: AgentGoal }) {
  const { actions } = useServices();
  const inControl = useAppState((s) => s.sessions[id]?.control === "granted");
  // pausing and resuming are the user's to do (the agent may not pause on its own)
  const change = goal.status === "active" ? "pause" : goal.status === "paused" ? "resume" : undefined;
  return (
    <div class="banner goal" role="status" data-testid="goal" data-status={goal.status}>
      <div class="row">
        <strong class="grow">Goal</strong>
        <span class="badge" data-state={goal.status}>
          {GOAL_LABEL[goal.status]}
        </span>
        {change && (
          <button
            type="button"
            disabled={!inControl}
            title={inControl ? undefined : "Take control first"}
            onClick={() => actions.slash(id, "goal", change)}
          >
            {change === "pause" ? "Pause" : "Resume"}
          </button>
        )}
      </div>
      <div class="goal-objective">{goal.objective}</div>
      {goal.tokenBudget !== undefined && (
        <div class="small muted">
          {(goal.tokensUsed ?? 0).toLocaleString()} of {goal.tokenBudget.toLocaleString()} tokens
        </div>
      )}
    </div>
  );
}

function ControlBanner({ id }: { id: string }) {
  const { actions } = useServices();
  const control = useAppState((s) => s.sessions[id]?.control ?? "none");
  const reason = useAppState((s) => s.sessions[id]?.controlReason);
  if (control === "granted") {
    return (
      <div class="banner row" data-testid="control-banner" data-control="granted">
        <span class="grow">You are in control.</span>
        <button type="button" onClick={() => actions.releaseControl(id)}>
          Release
        </button>
      </div>
    );
  }
  const text =
    control === "revoked"
      ? `Read-only: the laptop took control back${reason ? ` (${reason})` : ""}.`
      : control === "refused"
        ? "Read-only: the laptop refused control."
        : control === "requested"
          ? "Asking the laptop for control…"
          : "Read-only: the laptop is in control.";
  return (
    <div class="banner readonly row" role="status" data-testid="control-banner" data-control={control}>
      <span class="grow">{text}</span>
      <button
        type="button"
        class="primary"
        disabled={control === "requested"}
        onClick={() => actions.requestControl(id)}
      >
        Take control
      </button>
    </div>
  );
}
