import { describe, expect, it } from "vitest";
import { ClaudeTaskList } from "../../src/backends/claude/task-list.ts";

describe("claude task list (from its task tools' calls and results)", () => {
  it("adds, updates, deletes, and takes TaskList's result as the whole list", () => {
    const l = new ClaudeTaskList();
    expect(l.apply("TaskCreate", { subject: "a" }, "Task #1 created successfully: a")).toBe(true);
    expect(l.apply("TaskCreate", { description: "only a description" }, "Task #2 created successfully")).toBe(true);
    expect(l.apply("TaskCreate", { subject: "x" }, "something else")).toBe(false);
    expect(l.apply("TaskUpdate", { taskId: "2", status: "in_progress" }, "Updated task #2 status")).toBe(true);
    expect(l.apply("TaskUpdate", { taskId: "2", status: "in_progress" }, "Updated task #2 status")).toBe(false);
    expect(l.apply("TaskUpdate", { taskId: "9", status: "completed" }, "")).toBe(false);
    expect(l.apply("TaskUpdate", { taskId: "1", status: "bogus", subject: "a, renamed" }, "")).toBe(true);
    expect(l.tasks()).toEqual([
      { id: "1", subject: "a, renamed", status: "pending" },
      { id: "2", subject: "only a description", status: "in_progress" },
    ]);
    expect(l.apply("TaskUpdate", { taskId: "1", status: "deleted" }, "")).toBe(true);
    expect(l.tasks().map((t) => t.id)).toEqual(["2"]);
    expect(l.apply("TaskList", {}, "#2 [completed] only a description\n#3 [pending] made elsewhere")).toBe(true);
    expect(l.tasks()).toEqual([
      { id: "2", subject: "only a description", status: "completed" },
      { id: "3", subject: "made elsewhere", status: "pending" },
    ]);
    expect(l.apply("TaskList", {}, "could not read the list")).toBe(false);
    expect(l.apply("TaskList", {}, "No tasks found")).toBe(true);
    expect(l.tasks()).toEqual([]);
  });

  it("takes TodoWrite's todos (earlier claude versions) as the whole list", () => {
    const l = new ClaudeTaskList();
    const todos = [
      { content: "Write the test", status: "completed", activeForm: "Writing the test" },
      { content: "Fix the bug", status: "in_progress", activeForm: "Fixing the bug" },
      { content: "Ship it", status: "pending", activeForm: "Shipping it" },
    ];
    expect(l.apply("TodoWrite", { todos }, "Todos have been modified successfully.")).toBe(true);
    expect(l.tasks().map((t) => `${t.id} ${t.status} ${t.subject}`)).toEqual([
      "1 completed Write the test",
      "2 in_progress Fix the bug",
      "3 pending Ship it",
    ]);
    expect(l.apply("TodoWrite", { todos }, "")).toBe(false);
  });
});
