import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// ws unmasks every frame a client sends; with bufferutil it does so natively, without it byte by
// byte in JS, over every byte of every frame.
describe("ws's native helpers", () => {
  it.runIf(process.platform === "linux" && process.arch === "x64")(
    "bufferutil loads from where ws looks for it (its prebuilt binary: no compiler needed)",
    () => {
      expect(process.env.WS_NO_BUFFER_UTIL).toBeUndefined();
      const fromWs = createRequire(createRequire(import.meta.url).resolve("ws"));
      const bu = fromWs("bufferutil") as { mask: unknown; unmask: (b: Buffer, m: Buffer) => void };
      const data = Buffer.from([1, 2, 3, 4, 5]);
      bu.unmask(data, Buffer.from([1, 1, 1, 1]));
      expect([...data]).toEqual([0, 3, 2, 5, 4]);
    },
  );
});
