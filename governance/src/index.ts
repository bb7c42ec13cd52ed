export { type CheckResult, check, isExempt, type Violation, ViolationCode, type Waiver } from "./check.ts";
export { GovernanceError, GovernanceErrorCode } from "./errors.ts";
export { EMPTY_TREE, type Git, makeGit } from "./git.ts";
export { createNote, noteTemplate } from "./note.ts";
export { dayRange, explicitRange, type Range } from "./range.ts";
export { formatReport } from "./report.ts";
export { type Module, modulesAt, parseWorkspaceGlobs } from "./workspace.ts";
