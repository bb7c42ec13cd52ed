/** The web app manifest: installable, standalone, portrait, dark by default. */
export const manifest = {
  name: "codex-remote",
  short_name: "codex",
  description: "Watch, steer and approve your coding agent from your phone.",
  id: "./",
  start_url: "./",
  scope: "./",
  display: "standalone",
  orientation: "portrait",
  background_color: "#0f1115",
  theme_color: "#0f1115",
  icons: [
    { src: "icons/icon-192.png", sizes: "192x192", type: "image/png" },
    { src: "icons/icon-512.png", sizes: "512x512", type: "image/png" },
    { src: "icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
  ],
};
