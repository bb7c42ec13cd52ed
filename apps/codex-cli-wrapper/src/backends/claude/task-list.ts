import { type AgentTask, MAX_TASK_SUBJECT_CHARS, MAX_TASKS, TaskStatus } from "@codex-remote/protocol";
import { clip } from "../agent-events.ts";

/**
 * Claude's task tools: their calls make up its checklist, shown as one `task_list` card. TodoWrite
 * is the single tool of earlier claude versions (this one has the Task tools instead).
 */
export const TASK_TOOLS = new Set(["TaskCreate", "TaskUpdate", "TaskList", "TodoWrite"]);

const CREATED = /Task #(\S+) created/;
const LISTED = /^#(\S+) \[(\w+)\] (.*)$/;

/**
 * Claude's task list as its task tools change it: TaskCreate adds (its id is in the result text),
 * TaskUpdate sets a status or subject or deletes, TaskList's result replaces the whole list (it is
 * claude's own view). Only calls that succeeded count.
 */
export class ClaudeTaskList {
  readonly #tasks = new Map<string, AgentTask>();

  /** Applies one finished task tool call; true when the list changed. */
  apply(tool: string, input: Record<string, unknown>, result: string): boolean {
    const before = JSON.stringify(this.tasks());
    return this.#change(tool, input, result) && JSON.stringify(this.tasks()) !== before;
  }

  /** False when the call says nothing this list can use (no id, an unknown task, an unreadable list). */
  #change(tool: string, input: Record<string, unknown>, result: string): boolean {
    if (tool === "TaskCreate") {
      const id = CREATED.exec(result)?.[1];
      if (!id) return false;
      const subject = typeof input.subject === "string" ? input.subject : String(input.description ?? "");
      this.#tasks.set(id, { id, subject: clip(subject, MAX_TASK_SUBJECT_CHARS), status: "pending" });
      return true;
    }
    if (tool === "TaskUpdate") {
      const task = this.#tasks.get(String(input.taskId ?? ""));
      if (!task) return false;
      if (input.status === "deleted") return this.#tasks.delete(task.id);
      const status = TaskStatus.safeParse(input.status);
      if (status.success) task.status = status.data;
      if (typeof input.subject === "string") task.subject = clip(input.subject, MAX_TASK_SUBJECT_CHARS);
      return true;
    }
    if (tool === "TodoWrite") {
      // the whole list in its input: { todos: [{ content, status, activeForm }] }
      const todos = Array.isArray(input.todos) ? (input.todos as unknown[]) : [];
      this.#tasks.clear();
      todos.forEach((t, i) => {
        const todo = t && typeof t === "object" ? (t as Record<string, unknown>) : {};
        const status = TaskStatus.safeParse(todo.status);
        const id = String(i + 1);
        const subject = clip(String(todo.content ?? ""), MAX_TASK_SUBJECT_CHARS);
        this.#tasks.set(id, { id, subject, status: status.success ? status.data : "pending" });
      });
      return true;
    }
    if (tool === "TaskList") {
      const listed: AgentTask[] = [];
      for (const line of result.split("\n")) {
        const m = LISTED.exec(line.trim());
        const status = TaskStatus.safeParse(m?.[2]);
        if (m && status.success)
          listed.push({ id: m[1]!, subject: clip(m[3]!, MAX_TASK_SUBJECT_CHARS), status: status.data });
      }
      if (listed.length === 0 && !/no tasks/i.test(result)) return false;
      this.#tasks.clear();
      for (const t of listed) this.#tasks.set(t.id, t);
      return true;
    }
    return false;
  }

  tasks(): AgentTask[] {
    return [...this.#tasks.values()].slice(0, MAX_TASKS).map((t) => ({ ...t }));
  }
}
