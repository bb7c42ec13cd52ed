import { afterEach, describe, expect, it } from "vitest";
import { StoreMirror } from "../src/net/mirror.ts";
import { Store } from "../src/store/store.ts";
import type { StoreInput } from "../src/store/types.ts";

const settle = () => new Promise((r) => setTimeout(r, 50));
const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

/** Two tabs: `leader` dispatches through its mirror; `follower` applies what arrives. */
function tabs() {
  const leaderStore = new Store();
  const followerStore = new Store();
  const got: { input: StoreInput; catchUp: boolean }[] = [];
  let hellos = 0;
  const leader = new StoreMirror({
    onInput: () => {},
    onHello: () => {
      hellos++;
      leader.catchUp(Object.values(leaderStore.state.sessions));
    },
  });
  const follower = new StoreMirror({
    onInput: (input, catchUp) => {
      got.push({ input, catchUp });
      followerStore.dispatch(input);
    },
    onHello: () => {},
  });
  open.push(leader, follower);
  return { leaderStore, followerStore, shared: leader.mirrored(leaderStore), follower, got, hellos: () => hellos };
}

describe("StoreMirror", () => {
  it("posts nothing until another tab has said hello", async () => {
    const t = tabs();
    t.shared.dispatch({ type: "control", sessionId: "s1", state: "granted", at: 1 });
    await settle();
    expect(t.got).toEqual([]);
    t.follower.hello();
    await settle();
    t.shared.dispatch({ type: "control", sessionId: "s1", state: "revoked", at: 2 });
    await settle();
    // the catch-up (the session as the first tab shows it: granted), then the live input
    expect(t.got.map((g) => `${g.input.type}${g.catchUp ? " (catch-up)" : ""}`)).toEqual([
      "session_open (catch-up)",
      "presence (catch-up)",
      "control (catch-up)",
      "terminal_size (catch-up)",
      "control",
    ]);
    expect(t.followerStore.state.sessions.s1?.control).toBe("revoked");
  });

  it("passes on what no journal keeps, and not agent events", async () => {
    const t = tabs();
    t.follower.hello();
    await settle();
    t.got.length = 0;
    t.shared.dispatch({
      type: "session_open",
      sessionId: "s1",
      agent: "shell",
      mode: "terminal",
      laptop: "mac",
      at: 1,
    });
    t.shared.dispatch({ type: "terminal_output", sessionId: "s1", bytes: new TextEncoder().encode("hi\r\n"), at: 2 });
    t.shared.dispatch({ type: "control", sessionId: "s1", state: "granted", at: 3 });
    t.shared.dispatch({ type: "event", sessionId: "s1", seq: 1, event: { kind: "turn_started" }, at: 4 } as StoreInput);
    expect(t.shared.state).toBe(t.leaderStore.state);
    await settle();
    expect(t.got.map((g) => g.input.type)).toEqual(["session_open", "terminal_output", "control"]);
    const s = t.followerStore.state.sessions.s1!;
    expect(s.laptop).toBe("mac");
    expect(s.control).toBe("granted");
    expect(new TextDecoder().decode(s.terminal.chunks[0])).toBe("hi\r\n");
    expect(s.sync.applied).toBe(0); // the event went by the journal, not the mirror
  });

  it("answers a hello with each session's state, terminal history in one piece", async () => {
    const t = tabs();
    const store = t.leaderStore;
    store.dispatch({ type: "session_open", sessionId: "s1", agent: "codex", mode: "structured", laptop: "mac", at: 1 });
    store.dispatch({ type: "control", sessionId: "s1", state: "refused", reason: "laptop said no", at: 2 });
    store.dispatch({ type: "session_open", sessionId: "s2", agent: "shell", mode: "terminal", at: 3 });
    store.dispatch({ type: "terminal_size", sessionId: "s2", cols: 100, rows: 30 });
    for (const part of ["a", "b", "c"])
      store.dispatch({ type: "terminal_output", sessionId: "s2", bytes: new TextEncoder().encode(part), at: 4 });
    store.dispatch({ type: "session_close", sessionId: "s2", at: 5 });
    t.follower.hello();
    await settle();
    expect(t.hellos()).toBe(1);
    expect(t.got.every((g) => g.catchUp)).toBe(true);
    const f = t.followerStore.state.sessions;
    expect(f.s1).toMatchObject({ agent: "codex", laptop: "mac", control: "refused", controlReason: "laptop said no" });
    expect(f.s2).toMatchObject({ agent: "shell", mode: "terminal", closed: true });
    expect(f.s2!.terminal).toMatchObject({ cols: 100, rows: 30, bytes: 3 });
    expect(f.s2!.terminal.chunks.map((c) => new TextDecoder().decode(c))).toEqual(["abc"]);
  });

  it("ignores messages that are not mirror messages", async () => {
    const t = tabs();
    const rogue = new BroadcastChannel("codex-remote:mirror");
    open.push(rogue);
    rogue.postMessage({ input: { type: "terminal_output", sessionId: "s1", bytes: "not bytes", at: 1 } });
    rogue.postMessage({ input: { type: "session_remove", sessionId: "s1" } });
    rogue.postMessage({ input: { type: "control", sessionId: "s1", state: "owned", at: 1 } });
    rogue.postMessage("hello");
    await settle();
    expect(t.got).toEqual([]);
    expect(t.hellos()).toBe(0);
  });
});
