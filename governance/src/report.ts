import type { CheckResult } from "./check.ts";

export function formatReport(r: CheckResult): string {
  const out: string[] = [];
  out.push(`governance: ${r.range}: ${r.commits} commit(s), dated ${r.dates.join(", ") || "-"}`);
  if (r.addedModules.length > 0) out.push(`  modules added: ${r.addedModules.join(", ")}`);
  if (r.removedModules.length > 0) out.push(`  modules removed: ${r.removedModules.join(", ")}`);
  out.push(`  modules changed: ${r.changedModules.join(", ") || "none"}`);
  for (const v of r.violations) {
    out.push(`✗ [${v.code}] ${v.message}`);
    out.push(`    file: ${v.file}`);
    out.push(`    fix:  ${v.fix}`);
  }
  for (const w of r.waived) {
    out.push(`~ waived [${w.code}] ${w.message}`);
    out.push(`    by Governance-Waiver in ${w.waiver.commit.slice(0, 10)}: ${w.waiver.reason}`);
  }
  for (const w of r.waivers.filter((w) => !r.waived.some((x) => x.waiver === w)))
    out.push(
      `~ waiver in ${w.commit.slice(0, 10)} for ${w.module === "*" ? "all modules" : w.module} (nothing to waive): ${w.reason}`,
    );
  out.push(
    r.violations.length === 0
      ? `ok: ${r.changedModules.length} module(s) changed, every one with its note and changelog`
      : `${r.violations.length} violation(s)`,
  );
  return `${out.join("\n")}\n`;
}
