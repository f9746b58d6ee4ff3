"""The scanner's QR decoder, run in Chromium under the app's CSP: the vendored zxing-wasm build.

Headless Chromium on Linux has no BarcodeDetector, so these tests exercise the WebAssembly
fallback that most Android and desktop browsers without one will use.
"""

from __future__ import annotations

import base64
import io
import secrets

import pytest
import qrcode

#: Builds a 640×480 camera-like frame in the page: the QR drawn smoothly at ``fill`` of the
#: short side on a grey background, optionally turned and blurred. Returns ImageData.
FRAME_JS = """
async ({ png, fill = 0.6, angle = 0, blur = 0 }) => {
  const img = new Image();
  img.src = png;
  await img.decode();
  const canvas = new OffscreenCanvas(640, 480);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, 640, 480);
  const side = Math.round(480 * fill);
  ctx.filter = blur ? `blur(${blur}px)` : 'none';
  ctx.translate(320, 240);
  ctx.rotate((angle * Math.PI) / 180);
  ctx.drawImage(img, -side / 2, -side / 2, side, side);
  return ctx.getImageData(0, 0, 640, 480);
}
"""

#: Imports the decoder the way the scanner page does and decodes frames made by ``FRAME_JS``.
DECODE_JS = f"""
async (frames) => {{
  const {{ createDecoder }} = await import('/static/scanner/decoder.js');
  const decoder = await createDecoder({{ preferNative: false }});
  const frame = {FRAME_JS};
  const texts = [];
  for (const spec of frames) texts.push(await decoder.detect(await frame(spec)));
  return {{ name: decoder.name, texts }};
}}
"""


def qr_png(text: str) -> str:
    """Return ``text`` as a level-M QR code PNG data URL, made by the ``qrcode`` package."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)  # str is encoded as UTF-8, in byte mode, with no ECI marker
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def page_on_app(live_server, phone):
    """A phone page on the app, under its CSP, that records every request it makes."""
    page = phone()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(f"{live_server}/login")
    return page


def assert_clean(page, live_server: str) -> None:
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []
    foreign = [url for url in page.requests if not url.startswith((live_server, "data:"))]
    assert foreign == [], "the decoder must load only from our origin"


def test_wasm_decoder_reads_a_badge_url_and_utf8_text(live_server, page_on_app):
    badge = f"{live_server}/b/" + secrets.token_urlsafe(75)[:100]  # version 8, as printed
    utf8 = "Zoë Ångström — Acme Ibérica · 王小明 · 東京ビッグサイト"
    frames = [
        {"png": qr_png(badge)},
        {"png": qr_png(badge), "fill": 0.35},  # at arm's length: ~3 px per module
        {"png": qr_png(badge), "angle": 12, "blur": 1},  # held askew, slightly out of focus
        {"png": qr_png(utf8)},
    ]
    result = page_on_app.evaluate(DECODE_JS, frames)
    assert result["name"] == "zxing-wasm"
    assert result["texts"] == [[badge], [badge], [badge], [utf8]]
    wasm = [url for url in page_on_app.requests if url.endswith(".wasm")]
    assert wasm == [f"{live_server}/static/vendor/zxing-wasm/dist/reader/zxing_reader.wasm"]
    assert_clean(page_on_app, live_server)


def test_frames_without_a_code_give_an_empty_list(live_server, page_on_app):
    texts = page_on_app.evaluate(
        """async () => {
          const { createDecoder } = await import('/static/scanner/decoder.js');
          const decoder = await createDecoder({ preferNative: false });
          const blank = new ImageData(640, 480);
          blank.data.fill(128);
          const noise = new ImageData(640, 480);
          crypto.getRandomValues(noise.data.subarray(0, 65536));  // its per-call limit
          for (let i = 65536; i < noise.data.length; i++) noise.data[i] = noise.data[i % 65536];
          const tiny = new ImageData(1, 1);
          return [
            await decoder.detect(blank),
            await decoder.detect(noise),
            await decoder.detect(tiny),
            await decoder.detect(new OffscreenCanvas(0, 0)),  // nothing to read
            await decoder.detect({}),  // not an image at all
          ];
        }"""
    )
    assert texts == [[], [], [], [], []]
    assert_clean(page_on_app, live_server)


def test_grab_frame_scales_a_wide_video_to_640_by_480_and_decodes_it(live_server, page_on_app):
    badge = f"{live_server}/b/" + secrets.token_urlsafe(75)[:100]
    result = page_on_app.evaluate(
        """async (png) => {
          const { createDecoder, grabFrame } = await import('/static/scanner/decoder.js');
          const decoder = await createDecoder({ preferNative: false });
          // A 1280×720 "camera": a canvas stream with the badge in the middle.
          const img = new Image();
          img.src = png;
          await img.decode();
          const source = document.createElement('canvas');
          [source.width, source.height] = [1280, 720];
          const ctx = source.getContext('2d');
          const paint = () => {
            ctx.fillStyle = '#777';
            ctx.fillRect(0, 0, 1280, 720);
            ctx.drawImage(img, 640 - 220, 360 - 220, 440, 440);
          };
          paint();
          const video = document.createElement('video');
          video.muted = true;
          video.srcObject = source.captureStream();
          const timer = setInterval(paint, 30);  // a stream only sends frames on change
          await video.play();
          while (!video.videoWidth) await new Promise((r) => setTimeout(r, 20));
          const frame = grabFrame(video, document.createElement('canvas'));
          const direct = await decoder.detect(video);
          clearInterval(timer);
          return {
            size: [frame.width, frame.height],
            texts: await decoder.detect(frame),
            direct,
            before: grabFrame(document.createElement('video'), document.createElement('canvas')),
          };
        }""",
        qr_png(badge),
    )
    assert result == {"size": [640, 480], "texts": [badge], "direct": [badge], "before": None}
    assert_clean(page_on_app, live_server)


#: A stand-in for the browser's BarcodeDetector (headless Chromium on Linux has none).
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  static formats = ['qr_code'];
  static async getSupportedFormats() { return this.formats; }
  constructor({ formats }) { this.formats = formats; }
  async detect(source) {
    if (!(source instanceof ImageData)) throw new DOMException('unreadable', 'InvalidStateError');
    return [{ rawValue: 'native:' + this.formats.join(), format: 'qr_code' }];
  }
};
"""


def test_native_detector_is_used_only_when_it_reads_qr_codes(live_server, page_on_app):
    page_on_app.evaluate(f"() => {{ {FAKE_DETECTOR} }}")
    result = page_on_app.evaluate(
        """async () => {
          const { createDecoder } = await import('/static/scanner/decoder.js');
          const frame = new ImageData(8, 8);
          const native = await createDecoder();
          const out = {
            name: native.name,
            texts: await native.detect(frame),
            failed: await native.detect({}),  // the detector throws: no codes, no error
            forced: (await createDecoder({ preferNative: false })).name,
          };
          BarcodeDetector.formats = ['ean_13'];  // a detector without QR support
          out.without_qr = (await createDecoder()).name;
          return out;
        }"""
    )
    assert result == {
        "name": "native",
        "texts": ["native:qr_code"],
        "failed": [],
        "forced": "zxing-wasm",
        "without_qr": "zxing-wasm",
    }
    assert_clean(page_on_app, live_server)


def test_scanner_reads_a_badge_only_in_its_issued_spelling(
    live_server, page_on_app, make_company, make_event, make_attendee
):
    from netcompanion import tokens
    from netcompanion.badge.service import badge_token
    from tests.spelling import URLSAFE, respellings

    owner = make_company()
    event = make_event(owner)
    token = badge_token(make_attendee(owner, event, name="Zoë Ångströms"))
    variants = respellings(token)
    results = page_on_app.evaluate(
        """async ([token, variants]) => {
          const { readToken } = await import('/static/scanner/codes.js');
          const reads = (text) => { try { readToken(text); return true; } catch { return false; } };
          return [reads(token), variants.filter(reads)];
        }""",
        [token, variants],
    )
    read, accepted = results
    assert read
    # The phone checks no signature, so it may read other tokens; never this one respelt.
    data = tokens.urlsafe_b64(token)
    assert all(tokens.urlsafe_b64(variant) != data for variant in accepted)
    lenient = [v for v in variants if v[:-1] == token[:-1] and v[-1] in URLSAFE]
    same_bytes = {v for v in lenient if base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)) == data}
    assert same_bytes  # the bytes leave bits unused in the last character: the case at stake
    assert not set(accepted) & same_bytes
