export const MODULE = "protocol";
