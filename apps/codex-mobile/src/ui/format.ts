import type { SessionState } from "../store/types.ts";

export const STATE_LABEL: Record<SessionState, string> = {
  working: "working",
  waiting_for_approval: "needs approval",
  needs_you: "needs you",
  idle: "idle",
  offline: "offline",
};

export function ago(at: number, now = Date.now()): string {
  if (!at) return "never";
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return new Date(at).toLocaleDateString();
}

export function folderName(path: string): string {
  const parts = path.split("/").filter(Boolean);
  return parts.at(-1) ?? path;
}
