// The phone's camera as a scanner: rear camera → barcode detector every ~150 ms → `scanned`.
import { createDetector, detectCodes } from "./decoder.js";
import { emitScan } from "./events.js";

const FRAME_INTERVAL_MS = 150;
const SAME_CODE_PAUSE_MS = 2500; // a code held in view is one scan, not one per frame

export async function startCamera(video) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  const detector = await createDetector();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stopped = false;
  let busy = false;
  let lastCode = "";
  let lastAt = 0;

  const timer = setInterval(async () => {
    if (stopped || busy || video.readyState < 2 || !video.videoWidth) return;
    busy = true;
    try {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const [code] = await detectCodes(detector, canvas);
      const now = performance.now();
      if (code && !stopped && (code !== lastCode || now - lastAt > SAME_CODE_PAUSE_MS)) {
        lastCode = code;
        lastAt = now;
        emitScan(code, "camera");
      } else if (code) {
        lastAt = now;
      }
    } catch (error) {
      console.warn("camera frame not decoded", error);
    } finally {
      busy = false;
    }
  }, FRAME_INTERVAL_MS);

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
