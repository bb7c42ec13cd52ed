// `npm start` after set-up. Until the wrapper can host a session, it reports what the workspace holds.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
process.stdout.write("\ncodex-remote workspace:\n");
for (const group of ["packages", "apps", "."]) {
  const dirs = group === "." ? ["governance"] : readdirSync(join(ROOT, group));
  for (const name of dirs) {
    const pkgFile = join(ROOT, group, name, "package.json");
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { name: string; description?: string };
    process.stdout.write(`  ${pkg.name.padEnd(34)} ${pkg.description ?? ""}\n`);
  }
}
process.stdout.write("\nThe wrapper cannot host a session yet; `npm test` runs every module's tests.\n");
