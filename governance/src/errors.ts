/** The governance checker's one error table: stable codes, exit code 2 for all of them. */
export const GovernanceErrorCode = {
  USAGE: "GOV_ERR_USAGE",
  BAD_REF: "GOV_ERR_BAD_REF",
  SHALLOW: "GOV_ERR_SHALLOW_CLONE",
  NOT_A_REPO: "GOV_ERR_NOT_A_REPO",
  GIT: "GOV_ERR_GIT",
  NO_WORKSPACE: "GOV_ERR_NO_WORKSPACE",
  UNKNOWN_MODULE: "GOV_ERR_UNKNOWN_MODULE",
} as const;
export type GovernanceErrorCode = (typeof GovernanceErrorCode)[keyof typeof GovernanceErrorCode];

export class GovernanceError extends Error {
  readonly _tag = "GovernanceError";
  readonly code: GovernanceErrorCode;
  readonly hint: string | undefined;
  constructor(code: GovernanceErrorCode, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}
