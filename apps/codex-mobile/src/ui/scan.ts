/**
 * QR scanning from the camera: the platform's BarcodeDetector where present, otherwise jsQR (loaded
 * lazily, only when the camera is opened on a browser without BarcodeDetector).
 */
interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}

async function makeDecoder(): Promise<
  (video: HTMLVideoElement, canvas: HTMLCanvasElement) => Promise<string | undefined>
> {
  const BD = (globalThis as { BarcodeDetector?: new (o: { formats: string[] }) => Detector }).BarcodeDetector;
  if (BD) {
    const detector = new BD({ formats: ["qr_code"] });
    return async (video) => (await detector.detect(video))[0]?.rawValue;
  }
  const jsQR = await loadJsQr();
  return async (video, canvas) => {
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (!w || !h) return undefined;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) return undefined;
    ctx.drawImage(video, 0, 0, w, h);
    const img = ctx.getImageData(0, 0, w, h);
    return jsQR(img.data, w, h, { inversionAttempts: "dontInvert" })?.data;
  };
}

type JsQr = (data: Uint8ClampedArray, w: number, h: number, o?: object) => { data: string } | null;

/** jsQR is CommonJS: its function is the module's default (or the default's default, by bundler). */
async function loadJsQr(): Promise<JsQr> {
  const mod = (await import("jsqr")) as unknown as { default: JsQr | { default: JsQr } };
  return typeof mod.default === "function" ? mod.default : mod.default.default;
}

/** Decodes a QR code from still image pixels with jsQR (used by the paste-an-image path and tests). */
export async function decodeQrImage(
  data: Uint8ClampedArray,
  width: number,
  height: number,
): Promise<string | undefined> {
  const jsQR = await loadJsQr();
  return jsQR(data, width, height)?.data;
}

/** Starts the camera in `video` and resolves with the first QR text found; `stop()` ends it. */
export function scanQr(video: HTMLVideoElement): { result: Promise<string>; stop: () => void } {
  let stopped = false;
  let stream: MediaStream | undefined;
  const stop = () => {
    stopped = true;
    for (const t of stream?.getTracks() ?? []) t.stop();
  };
  const result = (async () => {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    video.srcObject = stream;
    await video.play();
    const decode = await makeDecoder();
    const canvas = document.createElement("canvas");
    while (!stopped) {
      const text = await decode(video, canvas).catch(() => undefined);
      if (text) {
        stop();
        return text;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("scan stopped");
  })();
  return { result, stop };
}
