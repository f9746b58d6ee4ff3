// The camera and the decode loop: one frame at a time, never two decodes at once.

export async function openCamera(video) {
  if (!navigator.mediaDevices?.getUserMedia) {
    const error = new Error("no getUserMedia");
    error.name = "NotSupportedError";
    throw error;
  }
  // A preference, not a demand: laptops and test cameras have no "environment" side.
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: "environment" }, width: { ideal: 640 }, height: { ideal: 480 } },
  });
  video.srcObject = stream;
  await video.play().catch(() => {}); // autoplay of a muted inline video is allowed
  return stream;
}

function canvasGrabber() {
  let canvas = null;
  let context = null;
  return (video) => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return null;
    if (!canvas || canvas.width !== width || canvas.height !== height) {
      canvas = new OffscreenCanvas(width, height);
      context = canvas.getContext("2d", { willReadFrequently: true });
    }
    context.drawImage(video, 0, 0, width, height);
    return context.getImageData(0, 0, width, height);
  };
}

/**
 * Decode frames of ``video`` with ``decoder`` until stopped; ``onCodes(texts)`` gets every
 * non-empty result. Frames that arrive while a decode runs are skipped, so a slow decoder
 * lowers the frame rate instead of piling up work.
 */
export function decodeLoop(video, decoder, onCodes, grabFrame) {
  const grab = grabFrame
    ? (() => {
        const canvas = document.createElement("canvas");
        return (v) => (v.videoWidth ? grabFrame(v, canvas) : null);
      })()
    : canvasGrabber();
  const useVideoFrames = "requestVideoFrameCallback" in HTMLVideoElement.prototype;
  let paused = false;
  let stopped = false;
  let busy = false;
  let pending = false;

  const schedule = () => {
    if (stopped || pending) return;
    pending = true;
    if (useVideoFrames) video.requestVideoFrameCallback(onFrame);
    else requestAnimationFrame(onFrame);
  };

  async function onFrame() {
    pending = false;
    if (stopped) return;
    if (!paused && !busy && !document.hidden) {
      busy = true;
      try {
        const frame = grab(video);
        if (frame) {
          const texts = await decoder.detect(frame);
          if (!paused && texts && texts.length) onCodes(texts);
        }
      } catch {
        // One unreadable frame is no reason to stop scanning.
      } finally {
        busy = false;
      }
    }
    schedule();
  }

  schedule();
  return {
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      schedule();
    },
    stop() {
      stopped = true;
    },
  };
}
