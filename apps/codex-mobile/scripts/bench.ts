/**
 * Budgets of the phone app, measured in one run and printed beside their baselines as ratios:
 *  1. initial JS (gzip) vs the budget (150 KiB) and vs loading every chunk eagerly;
 *  2. first render in headless Chromium on loopback (navigation → the app's first-render mark and
 *     first contentful paint), cold profile each time, vs an empty page from the same server;
 *  3. 10,000 terminal lines (`seq 1 10000` in a real `codex-remote --agent shell` session through the
 *     real relay) while keys are pressed: input delay during the flood vs the same presses idle.
 * Run: pnpm --filter @codex-remote/codex-mobile bench   (builds dist/ first)
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { launchPhone } from "../test/e2e/browser.ts";
import { DIST, startRelay, startWrapper, tempDir } from "../test/e2e/procs.ts";

const KiB = 1024;
/** Rounds of 10,000 lines (more key presses sampled during floods). */
const ROUNDS = 3;
const fmt = (n: number, d = 1) => n.toFixed(d);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const row = (what: string, project: string, baseline: string, ratio: number, verdict = "") =>
  console.log(
    `${what.padEnd(44)} ${project.padStart(14)} ${baseline.padStart(14)} ${fmt(ratio, 2).padStart(7)}x ${verdict}`,
  );

function bundleSizes(): { initial: number; live: number; all: number; files: string[] } {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const initialFiles = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const gz = (f: string) => gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length;
  const allJs = readdirSync(join(DIST, "assets"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => `assets/${f}`);
  const live = allJs.filter((f) => /^assets\/live-/.test(f));
  return {
    initial: initialFiles.reduce((n, f) => n + gz(f), 0),
    live: live.reduce((n, f) => n + gz(f), 0),
    all: allJs.reduce((n, f) => n + gz(f), 0),
    files: initialFiles,
  };
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
};

async function staticServer(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/empty.html") {
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><p>empty</p>");
      return;
    }
    const file = join(DIST, path === "/" ? "index.html" : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

async function firstRender(runs: number): Promise<{ app: number[]; fcp: number[]; empty: number[] }> {
  const srv = await staticServer();
  const app: number[] = [];
  const fcp: number[] = [];
  const empty: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const phone = await launchPhone();
      try {
        await phone.page.goto(`${srv.url}empty.html`);
        empty.push(
          await phone.page.evaluate(
            () =>
              new Promise<number>((r) =>
                new PerformanceObserver((l) => r(l.getEntries()[0]!.startTime)).observe({
                  type: "paint",
                  buffered: true,
                }),
              ),
          ),
        );
        await phone.page.goto(srv.url);
        await phone.page.locator(".conn").waitFor();
        const t = await phone.page.evaluate(() => ({
          mark: performance.getEntriesByName("codex-mobile:first-render")[0]?.startTime ?? Number.NaN,
          fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
        }));
        app.push(t.mark);
        fcp.push(t.fcp);
      } finally {
        await phone.close();
      }
    }
  } finally {
    srv.close();
  }
  return { app, fcp, empty };
}

async function terminalFlood(): Promise<{ flood: number[]; idle: number[]; longest: number; renderMs: number }> {
  const relay = await startRelay({ dataDir: tempDir("cm-bench-relay-") });
  const wrapper = await startWrapper({ relayUrl: relay.url, agent: "shell", configDir: tempDir("cm-bench-laptop-") });
  const phone = await launchPhone();
  const page = phone.page;
  try {
    await page.goto(wrapper.link);
    await page.getByTestId("sas").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "They match" }).tap();
    await page.getByRole("button", { name: "See sessions" }).tap();
    await page.getByTestId("session-row").tap();
    await page.locator('[data-testid="terminal"] .xterm').waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Take control" }).tap();
    await page.locator('[data-testid="control-banner"][data-control="granted"]').waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __delays: number[]; __longest: number };
      w.__delays = [];
      w.__longest = 0;
      addEventListener("keydown", (e) => w.__delays.push(performance.now() - e.timeStamp), true);
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
      }).observe({ type: "longtask" });
    });
    const press = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await page.keyboard.press("Shift");
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const take = () =>
      page.evaluate(() => {
        const w = window as unknown as { __delays: number[] };
        return w.__delays.splice(0);
      });
    await press(40);
    const idle = await take();
    await page.getByTestId("terminal").tap();
    await take();
    const renders: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const start = Date.now();
      await page.keyboard.type(`seq 1 10000; echo flood-done-${round}\n`);
      const done = page.waitForFunction(
        (marker: string) => {
          const el = document.querySelector('[data-testid="terminal"]') as unknown as {
            term: {
              buffer: { active: { length: number; getLine(i: number): { translateToString(): string } | undefined } };
            };
          };
          const b = el.term.buffer.active;
          for (let i = b.length - 1; i >= Math.max(0, b.length - 40); i--)
            if (b.getLine(i)?.translateToString().trim() === marker) return true;
          return false;
        },
        `flood-done-${round}`,
        { timeout: 60_000, polling: 50 },
      );
      let finished = false;
      void done.then(() => {
        finished = true;
      });
      while (!finished) await press(5);
      renders.push(Date.now() - start);
    }
    const renderMs = median(renders);
    const flood = await take();
    const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    return { flood, idle, longest, renderMs };
  } finally {
    await phone.close();
    await wrapper.proc.stop();
    await relay.proc.stop();
  }
}

const sizes = bundleSizes();
console.log(
  `codex-mobile budgets (dist/ built by vite; Chromium ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"})\n`,
);
console.log(`${"measure".padEnd(44)} ${"project".padStart(14)} ${"baseline".padStart(14)} ${"ratio".padStart(8)}`);
row(
  "initial JS gzip (KiB) vs 150 KiB budget",
  fmt(sizes.initial / KiB),
  "150.0",
  sizes.initial / (150 * KiB),
  sizes.initial <= 150 * KiB ? "within budget" : "OVER BUDGET",
);
row(
  "+ network layer, loaded after 1st paint (KiB)",
  fmt((sizes.initial + sizes.live) / KiB),
  "150.0",
  (sizes.initial + sizes.live) / (150 * KiB),
  sizes.initial + sizes.live <= 150 * KiB ? "within budget" : "OVER BUDGET",
);
row(
  "initial JS gzip vs every chunk eager (KiB)",
  fmt(sizes.initial / KiB),
  fmt(sizes.all / KiB),
  sizes.initial / sizes.all,
);

const fr = await firstRender(5);
const appMs = median(fr.app);
row(
  "first render, median of 5 cold loads (ms)",
  fmt(appMs),
  fmt(median(fr.empty)),
  appMs / median(fr.empty),
  appMs <= 1000 ? "within 1 s" : "OVER 1 s",
);
row(
  "first contentful paint, median (ms)",
  fmt(median(fr.fcp)),
  fmt(median(fr.empty)),
  median(fr.fcp) / median(fr.empty),
);

const tf = await terminalFlood();
row(
  "input delay p50 during 10k lines (ms)",
  fmt(pct(tf.flood, 50)),
  fmt(pct(tf.idle, 50)),
  pct(tf.flood, 50) / Math.max(0.1, pct(tf.idle, 50)),
);
row(
  "input delay p99 during 10k lines (ms)",
  fmt(pct(tf.flood, 99)),
  fmt(pct(tf.idle, 99)),
  pct(tf.flood, 99) / Math.max(0.1, pct(tf.idle, 99)),
);
row(
  "input delay max during 10k lines (ms)",
  fmt(Math.max(...tf.flood)),
  fmt(Math.max(...tf.idle)),
  Math.max(...tf.flood) / Math.max(0.1, Math.max(...tf.idle)),
);
console.log(
  `\n${ROUNDS} × 10k lines: typed → last line on screen, median ${tf.renderMs} ms; ${tf.flood.length} key presses answered meanwhile; longest main-thread task ${fmt(tf.longest)} ms`,
);
console.log(`initial files: ${sizes.files.join(", ")}`);
