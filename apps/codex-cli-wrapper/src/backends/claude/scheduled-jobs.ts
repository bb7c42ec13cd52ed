/**
 * The jobs claude scheduled in this process (CronCreate), so a turn it starts by itself can show
 * what it runs: claude does not print the prompt of a job falling due. Only when exactly one job is
 * known is it certain which one fired; with several, the turn shows no prompt rather than a guess.
 */
const SCHEDULED = /Scheduled (?:\S+ )*task (\S+)/;

interface Job {
  readonly prompt: string;
  readonly recurring: boolean;
}

export class ScheduledJobs {
  readonly #jobs = new Map<string, Job>();

  /** A finished CronCreate or CronDelete call (its input and result text). */
  apply(tool: string, input: Record<string, unknown>, result: string): void {
    if (tool === "CronCreate") {
      const id = SCHEDULED.exec(result)?.[1];
      // claude's result says "one-shot" for a job that fires once (its input's `recurring: false`)
      const recurring = !/one-shot/i.test(result) && input.recurring !== false;
      if (id && typeof input.prompt === "string") this.#jobs.set(id, { prompt: input.prompt, recurring });
    } else if (tool === "CronDelete") {
      this.#jobs.delete(String(input.id ?? ""));
    }
  }

  /** The prompt of the job that must have fired (the only one known), or undefined. */
  fired(): string | undefined {
    const only = this.#jobs.size === 1 ? [...this.#jobs][0] : undefined;
    if (!only) return undefined;
    const [id, job] = only;
    if (!job.recurring) this.#jobs.delete(id);
    return job.prompt;
  }
}
