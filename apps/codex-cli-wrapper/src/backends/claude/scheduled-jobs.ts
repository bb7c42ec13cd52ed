/**
 * The jobs claude scheduled in this process (CronCreate), so a turn it starts by itself can show
 * what it runs: claude does not print the prompt of a job falling due. A turn is put down to a job
 * only when exactly one known job fires at about that time (its cron expression has a minute due
 * then, give or take claude's jitter, and the turn starts within the first seconds after it);
 * anything else (several jobs due, a wake-up, a background task finishing) shows no prompt rather
 * than a guess.
 */
const SCHEDULED = /Scheduled (?:\S+ )*task (\S+)/;
/** A turn for a job starts within this long after claude fires it. */
const FIRE_WINDOW_MS = 30_000;
/**
 * Claude's own jitter (its CronCreate tool description): a one-shot job landing on minute :00 or :30
 * fires up to 90 s early; a recurring one up to 10% of its period late, at most 15 minutes.
 */
const ONE_SHOT_EARLY_MS = 90_000;
const RECURRING_LATE_MAX_MS = 15 * 60_000;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface Job {
  readonly prompt: string;
  readonly cron: string;
  readonly recurring: boolean;
}

/** Whether a standard 5-field cron expression (minute hour day month weekday) matches `at` (local time). */
export function cronMatches(expr: string, at: Date): boolean {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const values = [at.getMinutes(), at.getHours(), at.getDate(), at.getMonth() + 1, at.getDay()];
  return fields.every((f, i) => fieldMatches(f, values[i]!, FIELD_RANGE[i]!, i === 4));
}

/** The values `*` stands for, per field. */
const FIELD_RANGE: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function fieldMatches(field: string, value: number, [first, last]: [number, number], weekday: boolean): boolean {
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || range === undefined) return false;
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [first, last];
    else if (range.includes("-")) [lo, hi] = range.split("-").map(Number) as [number, number];
    else [lo, hi] = stepText === undefined ? [Number(range), Number(range)] : [Number(range), last];
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) return false;
    const v = weekday && value === 0 && hi >= 7 ? 7 : value; // Sunday is 0 or 7
    const matches = (x: number) => x >= lo && x <= hi && (x - lo) % step === 0;
    return matches(value) || matches(v);
  });
}

export class ScheduledJobs {
  readonly #jobs = new Map<string, Job>();

  /** A finished CronCreate or CronDelete call (its input and result text). */
  apply(tool: string, input: Record<string, unknown>, result: string): void {
    if (tool === "CronCreate") {
      const id = SCHEDULED.exec(result)?.[1];
      // claude's result says "one-shot" for a job that fires once (its input's `recurring: false`)
      const recurring = !/one-shot/i.test(result) && input.recurring !== false;
      if (id && typeof input.prompt === "string" && typeof input.cron === "string")
        this.#jobs.set(id, { prompt: input.prompt, cron: input.cron, recurring });
    } else if (tool === "CronDelete") {
      this.#jobs.delete(String(input.id ?? ""));
    }
  }

  /** The prompt of the job that fired for a turn starting `at`: the only known job due then, or undefined. */
  fired(at = new Date()): string | undefined {
    const due = [...this.#jobs].filter(([, job]) => firesNear(job, at.getTime()));
    const only = due.length === 1 ? due[0] : undefined;
    if (!only) return undefined;
    const [id, job] = only;
    if (!job.recurring) this.#jobs.delete(id);
    return job.prompt;
  }
}

/** Whether claude would fire `job` shortly before `t` (a turn starting then is that job's). */
function firesNear(job: Job, t: number): boolean {
  const minute = Math.floor(t / MINUTE_MS) * MINUTE_MS;
  const matches = (m: number) => cronMatches(job.cron, new Date(m));
  if (!job.recurring) {
    if (matches(minute) && t - minute < FIRE_WINDOW_MS) return true;
    for (let m = minute + MINUTE_MS; m <= t + ONE_SHOT_EARLY_MS; m += MINUTE_MS) {
      const at = new Date(m).getMinutes();
      if ((at === 0 || at === 30) && matches(m)) return true;
    }
    return false;
  }
  // the latest due minute decides: fired on time or up to its jitter late
  for (let m = minute; m > t - RECURRING_LATE_MAX_MS - FIRE_WINDOW_MS; m -= MINUTE_MS) {
    if (!matches(m)) continue;
    let next = m + MINUTE_MS;
    while (next < m + DAY_MS && !matches(next)) next += MINUTE_MS;
    const late = Math.min((next - m) / 10, RECURRING_LATE_MAX_MS);
    return t - m < late + FIRE_WINDOW_MS;
  }
  return false;
}
