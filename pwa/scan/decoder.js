// Camera barcode decoding: picks the native BarcodeDetector or the vendored ZXing WebAssembly ponyfill.

export const DEFAULT_FORMATS = ["ean_13", "ean_8", "upc_a", "upc_e", "code_128", "qr_code", "data_matrix"];

const PONYFILL_URL = "/static/vendor/barcode-detector/ponyfill.js";
const WASM_DIR = "/static/vendor/zxing-wasm/";

let ponyfillReady = null; // one shared promise: the module is configured once per page

function loadPonyfill() {
  if (!ponyfillReady) {
    ponyfillReady = import(PONYFILL_URL).then((ponyfill) => {
      // Must run before the first `new BarcodeDetector()`: the constructor starts loading the
      // wasm, and without this override zxing-wasm would fetch it from a public CDN.
      ponyfill.prepareZXingModule({
        overrides: { locateFile: (path, prefix) => WASM_DIR + path },
      });
      return ponyfill;
    });
    ponyfillReady.catch(() => { ponyfillReady = null; }); // let a later call retry a failed load
  }
  return ponyfillReady;
}

async function nativeSupports(formats) {
  if (!("BarcodeDetector" in globalThis)) return false;
  try {
    const supported = await globalThis.BarcodeDetector.getSupportedFormats();
    return formats.every((format) => supported.includes(format));
  } catch {
    return false; // some builds expose the class but throw when the platform has no detector
  }
}

export async function createDetector(formats = DEFAULT_FORMATS) {
  if (await nativeSupports(formats)) return new globalThis.BarcodeDetector({ formats });
  const { BarcodeDetector } = await loadPonyfill();
  return new BarcodeDetector({ formats });
}

// `source`: an <img>, <video>, <canvas>, ImageBitmap, ImageData or Blob.
export async function detectCodes(detector, source) {
  const barcodes = await detector.detect(source);
  return barcodes.map((barcode) => barcode.rawValue);
}
