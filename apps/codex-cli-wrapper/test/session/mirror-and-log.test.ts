import { describe, expect, it } from "vitest";
import type { TerminalSnapshot } from "../../src/backends/types.ts";
import { EventLog } from "../../src/session/event-log.ts";
import { type MirrorSink, TerminalMirror } from "../../src/session/terminal-mirror.ts";

const snap = (text: string): TerminalSnapshot => ({
  cols: 80,
  rows: 24,
  data: text,
  lines: [text],
  cursor: { x: 0, y: 0 },
});
const tick = () => new Promise((r) => setTimeout(r, 40));

function sink(): MirrorSink & { sent: Uint8Array[]; snaps: TerminalSnapshot[]; backlog: number; up: boolean } {
  const s = {
    sent: [] as Uint8Array[],
    snaps: [] as TerminalSnapshot[],
    backlog: 0,
    up: true,
    get online() {
      return s.up;
    },
    backlogBytes: () => s.backlog,
    sendOutput: (b: Uint8Array) => {
      s.sent.push(b);
    },
    sendSnapshot: (x: TerminalSnapshot) => {
      s.snaps.push(x);
    },
  };
  return s;
}

describe("TerminalMirror", () => {
  it("batches output into few frames and forwards it all when the link keeps up", async () => {
    const s = sink();
    const m = new TerminalMirror(s, () => snap("x"), { maxBacklogBytes: 1 << 20 });
    for (let i = 0; i < 100; i++) m.push(new TextEncoder().encode(`line ${i}\n`));
    await tick();
    const text = Buffer.concat(s.sent).toString();
    expect(text.split("\n").length).toBe(101);
    expect(s.sent.length).toBe(1);
    expect(m.stats.droppedBytes).toBe(0);
  });

  it("drops to a snapshot when the backlog is too big, then resumes", async () => {
    const s = sink();
    let screen = "before";
    const m = new TerminalMirror(s, () => snap(screen), { maxBacklogBytes: 1000, drainCheckMs: 5 });
    s.backlog = 5000;
    m.push(new Uint8Array(100));
    await tick();
    expect(m.dropping).toBe(true);
    m.push(new Uint8Array(100));
    expect(s.sent.length).toBe(0);
    expect(m.stats.droppedBytes).toBe(200);
    screen = "after";
    s.backlog = 0;
    await tick();
    expect(m.dropping).toBe(false);
    expect(s.snaps.map((x) => x.data)).toEqual(["after"]);
    m.push(new Uint8Array(10));
    await tick();
    expect(s.sent.length).toBe(1);
    m.close();
  });

  it("drops while offline and repaints on request", async () => {
    const s = sink();
    s.up = false;
    const m = new TerminalMirror(s, () => snap("screen"), { maxBacklogBytes: 1000, drainCheckMs: 5 });
    m.push(new Uint8Array(10));
    await tick();
    expect(s.snaps).toEqual([]);
    s.up = true;
    await tick();
    expect(s.snaps.length).toBe(1);
    m.requestResync();
    await tick();
    expect(s.snaps.length).toBe(2);
    m.close();
  });
});

describe("EventLog", () => {
  it("returns what followed a sequence, in order, and says when it was trimmed", () => {
    const log = new EventLog(3);
    for (let i = 0; i < 5; i++) log.append({ kind: "turn_started", turnId: `t${i}` });
    expect(log.head).toBe(5);
    expect(log.since(3).events.map((e) => e.seq)).toEqual([4, 5]);
    expect(log.since(3).trimmed).toBe(false);
    const old = log.since(0);
    expect(old.trimmed).toBe(true);
    expect(old.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.since(5).events).toEqual([]);
  });
});
