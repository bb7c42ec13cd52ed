import { describe, expect, it } from "vitest";
import { ScheduledJobs } from "../../src/backends/claude/scheduled-jobs.ts";

describe("claude's scheduled jobs (the prompt of a turn it starts by itself)", () => {
  it("names the job only when it is the only one; a one-shot job fires once, a recurring one stays", () => {
    const j = new ScheduledJobs();
    expect(j.fired()).toBeUndefined();
    j.apply(
      "CronCreate",
      { prompt: "check the build", recurring: false },
      "Scheduled one-shot task 83e618e8 (Every minute).",
    );
    expect(j.fired()).toBe("check the build");
    expect(j.fired()).toBeUndefined();
    j.apply("CronCreate", { prompt: "run the tests" }, "Scheduled recurring task a1b2c3d4 (Every hour).");
    expect(j.fired()).toBe("run the tests");
    expect(j.fired()).toBe("run the tests");
    j.apply("CronCreate", { prompt: "tidy up", recurring: true }, "Scheduled recurring task ffff0000 (Daily).");
    expect(j.fired()).toBeUndefined(); // two jobs: which one fired is unknown
    j.apply("CronDelete", { id: "a1b2c3d4" }, "Deleted");
    expect(j.fired()).toBe("tidy up");
    j.apply("CronCreate", { prompt: "x" }, "could not schedule");
    expect(j.fired()).toBe("tidy up");
    // "one-shot" in claude's answer is enough to know it fires once
    const k = new ScheduledJobs();
    k.apply("CronCreate", { prompt: "once" }, "Scheduled one-shot task 0000aaaa (At 5pm).");
    expect(k.fired()).toBe("once");
    expect(k.fired()).toBeUndefined();
  });
});
