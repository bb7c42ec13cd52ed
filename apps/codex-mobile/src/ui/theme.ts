export type ThemeChoice = "system" | "dark" | "light";
const KEY = "codex-remote.theme";

export function loadTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === "dark" || v === "light" ? v : "system";
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", choice);
  localStorage.setItem(KEY, choice);
}
