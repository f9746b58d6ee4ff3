// QR decoding for the scanner: the browser's own BarcodeDetector where it reads QR codes, else
// zxing-cpp compiled to WebAssembly (the npm package zxing-wasm, vendored in static/vendor/).
//
// Why zxing-wasm: in Debian's headless Chromium on the 2-core build machine it decoded a
// 640×480 frame in ~1.4 ms with a badge QR and ~1.2 ms without one (jsQR ~5.5 ms, zbar-wasm ~4 ms,
// @paulmillr/qr ~2 ms but it missed most tilted or blurred codes), and it read the most of the
// tilted, blurred and noisy test frames. bench/decoder.py measures it again. The price is a
// 954 kB .wasm (410 kB gzip), fetched once and kept by the service worker.
//
// CSP: compiling the .wasm needs 'wasm-unsafe-eval' in script-src; fetching it is covered by
// connect-src 'self'. No worker, no blob: and no inline script.

/** Size of the frames grabFrame hands to the decoder, landscape (portrait swaps the two). */
export const frameSize = { width: 640, height: 480 };

const ZXING = new URL("../vendor/zxing-wasm/dist/", import.meta.url);

// One object for the life of the page: zxing-wasm compares overrides and would compile the
// module again for a new one. Without it the package fetches the .wasm from a CDN.
const ZXING_OVERRIDES = { locateFile: (file) => new URL(`reader/${file}`, ZXING).href };

const READER_OPTIONS = {
  formats: ["QRCode"],
  // Our badges are printed dark on light, and QR finder patterns are found at any angle: in the
  // bench neither option read a code more, and dropping both saves ~0.25 ms on frames with no code.
  tryInvert: false,
  tryRotate: false,
  // tryHarder and tryDownscale stay on: they read the noisy low-contrast frames and cost little.
  // One badge at a time: without this limit a found code does not end the search, and the
  // downscaled passes still run (~0.4 ms more per frame with a code).
  maxNumberOfSymbols: 1,
};

/**
 * Return {name: "native" | "zxing-wasm", detect(source) -> Promise<string[]>}.
 *
 * ``source`` is an ImageData (always supported), or a video, ImageBitmap or canvas. ``detect``
 * never throws: a frame with no code, or one it cannot read, gives []. Rejects only when no
 * decoder can be started (e.g. the .wasm blocked by the CSP or not reachable).
 */
export async function createDecoder({ preferNative = true } = {}) {
  if (preferNative && (await nativeReadsQr())) {
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    return {
      name: "native",
      detect: (source) => safely(() => detector.detect(source), (code) => code.rawValue),
    };
  }
  // Imported on demand so phones with a native detector never download the decoder.
  const zxing = await import(new URL("es/reader/index.js", ZXING).href);
  try {
    await zxing.prepareZXingModule({ overrides: ZXING_OVERRIDES, fireImmediately: true });
  } catch (error) {
    zxing.purgeZXingModule(); // a later call fetches again instead of reusing the failure
    throw error;
  }
  let canvas = null;
  return {
    name: "zxing-wasm",
    detect: (source) =>
      safely(async () => {
        let image = source;
        if (!(source instanceof ImageData)) {
          canvas ??= scratchCanvas();
          image = toImageData(source, canvas);
        }
        return image ? zxing.readBarcodes(image, READER_OPTIONS) : [];
      }, (result) => (result.isValid ? result.text : null)),
  };
}

/**
 * Draw the current frame of ``video`` on ``canvas`` and return it as ImageData, or null before
 * the first frame. ``canvas`` should serve only this (its 2D context is made for reading back).
 *
 * The frame is the largest centred 4:3 crop of the video, scaled down to 640×480 (never up).
 * Why that size: the decoder's time grows with the pixels (~1.4 ms here at 640×480), and at it a
 * badge held close (QR ~290 px) and one at arm's length (~3 px per module), tilted or not, both
 * read. A 320×240 centre crop cuts the close one off, and halving the frame (~0.5 ms) loses the
 * far one as soon as it is tilted, so neither is used.
 */
export function grabFrame(video, canvas) {
  const { videoWidth: vw, videoHeight: vh } = video;
  if (!vw || !vh) return null;
  const portrait = vh > vw;
  const fw = portrait ? frameSize.height : frameSize.width;
  const fh = portrait ? frameSize.width : frameSize.height;
  const crop = Math.min(vw / fw, vh / fh); // video pixels per frame pixel
  const scale = Math.min(1, 1 / crop);
  const width = Math.round(fw * crop * scale);
  const height = Math.round(fh * crop * scale);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  // willReadFrequently keeps the canvas in memory: no GPU read-back on every getImageData.
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const [sw, sh] = [fw * crop, fh * crop];
  context.drawImage(video, (vw - sw) / 2, (vh - sh) / 2, sw, sh, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

async function nativeReadsQr() {
  if (!("BarcodeDetector" in globalThis)) return false;
  try {
    return (await BarcodeDetector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false; // some browsers expose the class but fail when asked
  }
}

function scratchCanvas() {
  if (typeof OffscreenCanvas === "function") return new OffscreenCanvas(1, 1);
  return document.createElement("canvas");
}

function toImageData(source, canvas) {
  if ("videoWidth" in source) return grabFrame(source, canvas);
  const { width, height } = source; // ImageBitmap, canvas, image: decoded at their own size
  if (!width || !height) return null;
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0);
  return context.getImageData(0, 0, width, height);
}

// Decoding is best effort per frame: the next frame comes in a few milliseconds.
async function safely(read, text) {
  try {
    return (await read()).map(text).filter((value) => typeof value === "string");
  } catch {
    return [];
  }
}
