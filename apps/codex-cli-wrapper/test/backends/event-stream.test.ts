import { describe, expect, it } from "vitest";
import { type BackendError, isBackendError } from "../../src/backends/errors.ts";
import { EventHub } from "../../src/backends/event-stream.ts";
import { createBackend } from "../../src/backends/factory.ts";

describe("EventHub", () => {
  it("delivers to subscribers and iterators, and ends every iterator", async () => {
    const hub = new EventHub<number>();
    const seen: number[] = [];
    const off = hub.subscribe((n) => seen.push(n));
    const collected = (async () => {
      const out: number[] = [];
      for await (const n of hub) out.push(n);
      return out;
    })();
    await Promise.resolve();
    hub.emit(1);
    hub.emit(2);
    off();
    hub.emit(3);
    hub.end();
    hub.emit(4);
    expect(seen).toEqual([1, 2]);
    expect(await collected).toEqual([1, 2, 3]);
  });
});

describe("createBackend", () => {
  it("rejects an unknown kind with a typed error", async () => {
    const err = await createBackend("nope" as "demo").catch((e: unknown) => e);
    expect(isBackendError(err, "unsupported")).toBe(true);
    expect((err as BackendError).code).toBe("unsupported");
  });
});
