import type { ApprovalAnswers, ApprovalQuestion } from "@codex-remote/protocol";
import { WrapperError } from "../config/errors.ts";

/**
 * `/answer` arguments → the answers an agent's questions take. One argument per question, in order:
 * an option number (`2`), several for a multi-select question (`1,3`), or the user's own words
 * (quoted when there is more than one question). With a single question, all arguments together
 * are its answer.
 */
export function answersFromChoices(questions: readonly ApprovalQuestion[], args: readonly string[]): ApprovalAnswers {
  const perQuestion = questions.length === 1 ? [args.join(" ")] : args;
  if (perQuestion.length !== questions.length || perQuestion.some((a) => a.trim() === "")) {
    throw new WrapperError(
      "SLASH_USAGE",
      `${questions.length} question${questions.length === 1 ? "" : "s"} to answer, ${args.length} answer${args.length === 1 ? "" : "s"} given`,
    );
  }
  const answers: ApprovalAnswers = {};
  questions.forEach((q, i) => {
    answers[q.question] = answerOne(q, perQuestion[i]!.trim());
  });
  return answers;
}

function answerOne(q: ApprovalQuestion, arg: string): string {
  if (!/^\d+(,\d+)*$/.test(arg)) return arg; // the user's own words
  const picks = arg.split(",").map(Number);
  if (picks.length > 1 && !q.multiSelect) {
    throw new WrapperError("SLASH_USAGE", `"${q.question}" takes one option, got ${arg}`);
  }
  const labels = picks.map((n) => {
    const option = q.options[n - 1];
    if (!option) throw new WrapperError("SLASH_USAGE", `"${q.question}" has options 1-${q.options.length}, got ${n}`);
    return option.label;
  });
  return labels.join(", ");
}
