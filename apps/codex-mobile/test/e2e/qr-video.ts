import { writeFileSync } from "node:fs";
import QRCode from "qrcode";

/**
 * Writes a Y4M video whose frames show `text` as a QR code, for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`): the phone's scanner sees what a laptop screen would show.
 */
export function writeQrVideo(path: string, text: string, width = 640, height = 480, frames = 3): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: "L" });
  const n = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor((Math.min(width, height) - 20) / (n + 2 * quiet));
  const side = scale * (n + 2 * quiet);
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const y = new Uint8Array(width * height).fill(200);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const mx = Math.floor(px / scale) - quiet;
      const my = Math.floor(py / scale) - quiet;
      const dark = mx >= 0 && my >= 0 && mx < n && my < n && qr.modules.get(my, mx) === 1;
      y[(y0 + py) * width + x0 + px] = dark ? 16 : 235;
    }
  }
  const chroma = new Uint8Array((width / 2) * (height / 2)).fill(128);
  const parts: Uint8Array[] = [new TextEncoder().encode(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(new TextEncoder().encode("FRAME\n"), y, chroma, chroma);
  writeFileSync(path, Buffer.concat(parts));
}
