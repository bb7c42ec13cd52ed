import type { ApprovalAnswers, ApprovalQuestion } from "@codex-remote/protocol";
import { useState } from "preact/hooks";

/**
 * The agent's multiple-choice questions (Claude's AskUserQuestion) as tappable options. One option
 * per question, several where the question allows it, or the user's own words instead. "Send"
 * answers them all; "Skip" declines, and the agent goes on without answers.
 */
export function QuestionForm({
  questions,
  disabled,
  onAnswer,
  onSkip,
}: {
  questions: readonly ApprovalQuestion[];
  disabled: boolean;
  onAnswer: (answers: ApprovalAnswers) => void;
  onSkip: () => void;
}) {
  const [picked, setPicked] = useState<Record<string, readonly string[]>>({});
  const [own, setOwn] = useState<Record<string, string>>({});
  const answerOf = (q: ApprovalQuestion) => own[q.question]?.trim() || (picked[q.question] ?? []).join(", ");
  const complete = questions.every((q) => answerOf(q) !== "");
  const toggle = (q: ApprovalQuestion, label: string) => {
    const now = picked[q.question] ?? [];
    const next = q.multiSelect ? (now.includes(label) ? now.filter((l) => l !== label) : [...now, label]) : [label];
    setPicked({ ...picked, [q.question]: next });
    setOwn({ ...own, [q.question]: "" });
  };
  const send = () => {
    const answers: ApprovalAnswers = {};
    for (const q of questions) answers[q.question] = answerOf(q);
    onAnswer(answers);
  };
  return (
    <div class="questions">
      {questions.map((q) => (
        <fieldset key={q.question} class="question" aria-label={q.question}>
          {q.header && <span class="chip">{q.header}</span>}
          <legend>{q.question}</legend>
          {q.multiSelect && <div class="small muted">Choose one or more</div>}
          <div class="options">
            {q.options.map((o) => (
              <button
                key={o.label}
                type="button"
                class="option"
                aria-pressed={(picked[q.question] ?? []).includes(o.label) && !own[q.question]?.trim()}
                disabled={disabled}
                onClick={() => toggle(q, o.label)}
              >
                <span>{o.label}</span>
                {o.description && <span class="small muted">{o.description}</span>}
              </button>
            ))}
          </div>
          {q.options
            .filter((o) => o.preview && (picked[q.question] ?? []).includes(o.label) && !own[q.question]?.trim())
            .map((o) => (
              <figure key={o.label} class="preview" aria-label={`Preview: ${o.label}`}>
                <pre class="mono">{o.preview}</pre>
              </figure>
            ))}
          <input
            type="text"
            class="own-answer"
            placeholder="Or answer in your own words"
            aria-label={`Your own answer: ${q.question}`}
            disabled={disabled}
            value={own[q.question] ?? ""}
            onInput={(e) => setOwn({ ...own, [q.question]: (e.currentTarget as HTMLInputElement).value })}
          />
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" class="primary" disabled={disabled || !complete} onClick={send}>
          {questions.length > 1 ? "Send answers" : "Send answer"}
        </button>
        <button type="button" class="danger" disabled={disabled} onClick={onSkip}>
          Skip
        </button>
      </div>
    </div>
  );
}

/** What was answered, under a decided question card. */
export function AnswersGiven({ answers }: { answers: ApprovalAnswers }) {
  return (
    <dl class="answers" data-testid="answers">
      {Object.entries(answers).map(([question, answer]) => (
        <div key={question}>
          <dt class="small muted">{question}</dt>
          <dd>{answer}</dd>
        </div>
      ))}
    </dl>
  );
}
