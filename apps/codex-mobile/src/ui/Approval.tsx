import type { ApprovalDecision } from "@codex-remote/protocol";
import type { ComponentChildren } from "preact";
import { lazy, Suspense } from "preact/compat";
import type { TimelineItem } from "../store/types.ts";
import { useServices } from "./context.ts";
import { AnswersGiven, QuestionForm } from "./Questions.tsx";

const DiffView = lazy(() => import("./DiffView.tsx").then((m) => m.DiffView));

const DECIDED: Record<ApprovalDecision, string> = {
  accept: "Approved",
  accept_for_session: "Approved for this session",
  decline: "Denied",
  cancel: "Cancelled",
};

export function ApprovalCard({
  item,
  sessionId,
  diffShown = false,
}: {
  item: Extract<TimelineItem, { kind: "approval" }>;
  sessionId: string;
  /** The same diff is already on screen in its file-change card just above. */
  diffShown?: boolean;
}) {
  const { actions } = useServices();
  const what = item.questions
    ? "The agent asks"
    : item.plan
      ? "Go ahead with this plan?"
      : item.approval === "command"
        ? "Run command?"
        : item.approval === "file_change"
          ? "Apply patch?"
          : "Allow tool?";
  const answer = (d: ApprovalDecision) => actions.approve(sessionId, item.requestId, d);
  if (item.questions) {
    return (
      <ApprovalArticle what={what} kind="question" decision={item.decision}>
        {item.decision ? (
          <>
            {item.answers ? <AnswersGiven answers={item.answers} /> : <div class="mono">{item.summary}</div>}
            <div class="small" data-testid="approval-result" style={{ marginTop: "8px" }}>
              {item.answers ? "Answered" : item.decision === "accept" ? "Went on without an answer" : "Skipped"}
              {item.by ? ` · by ${item.by}` : ""}
            </div>
          </>
        ) : (
          <>
            <QuestionForm
              questions={item.questions}
              disabled={!!item.sent}
              onAnswer={(answers) => actions.approve(sessionId, item.requestId, "accept", answers)}
              onSkip={() => answer("decline")}
            />
            {item.sent && (
              <div class="small muted" role="status">
                Sent, waiting for the laptop…
              </div>
            )}
          </>
        )}
      </ApprovalArticle>
    );
  }
  if (item.plan) return <PlanCard item={item} what={what} answer={answer} />;
  return (
    <ApprovalArticle what={what} kind={item.approval} decision={item.decision}>
      <div class="mono" style={{ marginTop: "6px", whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
        {item.command ?? item.summary}
      </div>
      {item.reason && <div class="small muted">{item.reason}</div>}
      {item.diff && !diffShown && (
        <Suspense fallback={<div class="muted small">Loading diff…</div>}>
          <DiffView diff={item.diff} />
        </Suspense>
      )}
      {item.decision ? (
        <div class="small" data-testid="approval-result" style={{ marginTop: "8px" }}>
          {DECIDED[item.decision]}
          {item.by ? ` · by ${item.by}` : ""}
        </div>
      ) : (
        <div class="actions">
          <button type="button" class="primary" disabled={!!item.sent} onClick={() => answer("accept")}>
            Approve
          </button>
          <button type="button" class="danger" disabled={!!item.sent} onClick={() => answer("decline")}>
            Deny
          </button>
          <button type="button" class="wide" disabled={!!item.sent} onClick={() => answer("accept_for_session")}>
            Approve for this session
          </button>
          {item.sent && (
            <div class="wide small muted" role="status">
              Sent “{DECIDED[item.sent]}”, waiting for the laptop…
            </div>
          )}
        </div>
      )}
    </ApprovalArticle>
  );
}

const PLAN_DECIDED: Partial<Record<ApprovalDecision, string>> = {
  accept: "Going ahead",
  decline: "Kept planning",
};

/** A plan the agent asks to go ahead with: the whole plan, then go ahead / keep planning. */
function PlanCard({
  item,
  what,
  answer,
}: {
  item: Extract<TimelineItem, { kind: "approval" }>;
  what: string;
  answer: (d: ApprovalDecision) => void;
}) {
  return (
    <ApprovalArticle what={what} kind="plan" decision={item.decision}>
      <figure aria-label="Plan" style={{ margin: 0 }}>
        <pre class="plan" data-testid="approval-plan">
          {item.plan}
        </pre>
      </figure>
      {item.decision ? (
        <div class="small" data-testid="approval-result" style={{ marginTop: "8px" }}>
          {PLAN_DECIDED[item.decision] ?? DECIDED[item.decision]}
          {item.by ? ` · by ${item.by}` : ""}
        </div>
      ) : (
        <div class="actions">
          <button type="button" class="primary" disabled={!!item.sent} onClick={() => answer("accept")}>
            Go ahead
          </button>
          <button type="button" disabled={!!item.sent} onClick={() => answer("decline")}>
            Keep planning
          </button>
          {item.sent && (
            <div class="wide small muted" role="status">
              Sent “{PLAN_DECIDED[item.sent] ?? DECIDED[item.sent]}”, waiting for the laptop…
            </div>
          )}
        </div>
      )}
    </ApprovalArticle>
  );
}

/** The frame every approval card shares: its label, kind and decision for tests and screen readers. */
function ApprovalArticle({
  what,
  kind,
  decision,
  children,
}: {
  what: string;
  kind: string;
  decision: ApprovalDecision | undefined;
  children: ComponentChildren;
}) {
  return (
    <article
      class="card approval"
      aria-label={`Approval: ${what}`}
      data-testid="approval"
      data-kind={kind}
      data-decision={decision ?? ""}
    >
      <strong>{what}</strong>
      {children}
    </article>
  );
}
