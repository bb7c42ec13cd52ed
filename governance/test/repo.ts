import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A real throw-away git repository with a small pnpm workspace. */
export class TestRepo {
  readonly dir = mkdtempSync(join(tmpdir(), "gov-test-"));

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, encoding: "utf8", env: { ...process.env, ...this.env } });
  }

  env: Record<string, string> = {};

  write(path: string, text: string): this {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path), { recursive: true, force: true });
    return this;
  }

  /** Commits everything at the given UTC time (ISO), returning the commit's sha. */
  commit(message: string, when: string): string {
    this.env = { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when };
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD").trim();
  }

  module(dir: string): this {
    const name = dir.split("/").pop();
    return this.write(`${dir}/package.json`, `{"name":"@t/${name}"}\n`)
      .write(`${dir}/src/index.ts`, "export const x = 1;\n")
      .write(`${dir}/CHANGELOG.md`, "# Changelog\n\n## [Unreleased]\n\n## [0.1.0]\n- first\n");
  }

  changelogEntry(dir: string, entry: string): this {
    return this.write(`${dir}/CHANGELOG.md`, `# Changelog\n\n## [Unreleased]\n- ${entry}\n\n## [0.1.0]\n- first\n`);
  }

  note(module: string, date: string, text = "Design changed because reasons."): this {
    return this.write(`docs/architecture/${module}/${date}.md`, `# ${module} ${date}\n\n${text}\n`);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  static withWorkspace(): TestRepo {
    const repo = new TestRepo();
    repo.git("init", "-q", "-b", "main");
    repo.git("config", "user.email", "t@example.invalid");
    repo.git("config", "user.name", "Test");
    repo.git("config", "commit.gpgsign", "false");
    repo
      .write("pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n  - governance\n\ncatalog:\n  zod: 4.0.0\n")
      .write("package.json", '{"name":"root"}\n')
      .write("PROJECT_OVERVIEW.md", "# Overview\n")
      .module("packages/alpha")
      .module("apps/beta");
    repo.commit("initial", "2026-11-20T10:00:00Z");
    return repo;
  }
}
