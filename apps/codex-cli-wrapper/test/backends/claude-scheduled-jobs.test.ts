import { describe, expect, it } from "vitest";
import { cronMatches, ScheduledJobs } from "../../src/backends/claude/scheduled-jobs.ts";

/** 2026-11-24 (a Tuesday) at hh:mm:ss, local time. */
const at = (h: number, m: number, s = 1) => new Date(2026, 10, 24, h, m, s);

describe("claude's scheduled jobs (the prompt of a turn it starts by itself)", () => {
  it("matches standard cron expressions", () => {
    expect(cronMatches("* * * * *", at(9, 7))).toBe(true);
    expect(cronMatches("*/15 * * * *", at(9, 30))).toBe(true);
    expect(cronMatches("*/15 * * * *", at(9, 31))).toBe(false);
    expect(cronMatches("0 9 * * 1-5", at(9, 0))).toBe(true);
    expect(cronMatches("0 9 * * 0,6", at(9, 0))).toBe(false);
    expect(cronMatches("5,35 9-17 24 11 2", at(17, 35))).toBe(true);
    expect(cronMatches("0 9 * * 7", new Date(2026, 10, 29, 9, 0, 1))).toBe(true); // a Sunday
    expect(cronMatches("0 0 */2 * *", new Date(2026, 10, 23, 0, 0, 1))).toBe(true); // days 1, 3, … 23
    expect(cronMatches("0 0 */2 * *", at(0, 0))).toBe(false); // the 24th
    expect(cronMatches("bad", at(9, 0))).toBe(false);
  });

  it("names the job due at that minute when it is the only one; a one-shot job fires once", () => {
    const j = new ScheduledJobs();
    expect(j.fired(at(9, 0))).toBeUndefined();
    j.apply(
      "CronCreate",
      { cron: "* * * * *", prompt: "check the build", recurring: false },
      "Scheduled one-shot task 83e618e8 (Every minute).",
    );
    expect(j.fired(at(9, 0, 45))).toBeUndefined(); // late in the minute: something else started it
    expect(j.fired(at(9, 1))).toBe("check the build");
    expect(j.fired(at(9, 2))).toBeUndefined();
    j.apply(
      "CronCreate",
      { cron: "0 * * * *", prompt: "run the tests" },
      "Scheduled recurring task a1b2c3d4 (Every hour).",
    );
    expect(j.fired(at(9, 30))).toBeUndefined(); // not due then
    expect(j.fired(at(10, 0))).toBe("run the tests");
    expect(j.fired(at(11, 0))).toBe("run the tests");
    j.apply("CronCreate", { cron: "0 * * * *", prompt: "tidy up" }, "Scheduled recurring task ffff0000 (Every hour).");
    expect(j.fired(at(12, 0))).toBeUndefined(); // two jobs due: which one fired is unknown
    j.apply("CronDelete", { id: "a1b2c3d4" }, "Deleted");
    expect(j.fired(at(13, 0))).toBe("tidy up");
    j.apply("CronCreate", { cron: "0 * * * *", prompt: "x" }, "could not schedule");
    expect(j.fired(at(14, 0))).toBe("tidy up");
  });

  it("allows for claude's jitter: one-shot jobs on :00 or :30 fire up to 90 s early, recurring ones up to 10% of their period late", () => {
    const j = new ScheduledJobs();
    const oneShot = (id: string, prompt: string) =>
      j.apply(
        "CronCreate",
        { cron: "* * * * *", prompt, recurring: false },
        `Scheduled one-shot task ${id} (Every minute).`,
      );
    oneShot("00000001", "check the build");
    // due at 16:30 (a :30 minute), fired at 16:29:05: claude's early jitter
    expect(j.fired(at(16, 29, 5))).toBe("check the build");
    oneShot("00000002", "check again");
    // due at 16:31 (not :00 or :30): no early firing, so a turn at 16:30:50 is something else
    expect(j.fired(at(16, 30, 50))).toBeUndefined();
    expect(j.fired(at(16, 31, 2))).toBe("check again");
    j.apply(
      "CronCreate",
      { cron: "0 * * * *", prompt: "run the tests" },
      "Scheduled recurring task a1b2c3d4 (Every hour).",
    );
    // hourly: up to 6 min late
    expect(j.fired(at(10, 5, 0))).toBe("run the tests");
    expect(j.fired(at(10, 7, 0))).toBeUndefined();
    j.apply("CronDelete", { id: "a1b2c3d4" }, "Deleted");
    j.apply("CronCreate", { cron: "* * * * *", prompt: "tick" }, "Scheduled recurring task b1b2c3d4 (Every minute).");
    // every minute: up to 6 s late, so 40 s into a minute is not its turn
    expect(j.fired(at(11, 0, 20))).toBe("tick");
    expect(j.fired(at(11, 0, 40))).toBeUndefined();
  });
});
