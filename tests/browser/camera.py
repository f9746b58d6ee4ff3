"""Videos for Chromium's fake camera: a QR code filmed in a loop, as a .y4m file.

Chromium plays ``--use-file-for-fake-video-capture=clip.y4m`` as the camera. The clip is raw
I420 frames: grey frames (nothing in view), then the code, black on white at 60 % of the
frame's height with its quiet zone, centred on grey. Written here with the app's own QR encoder,
so the suite needs nothing from outside the repository.
"""

from __future__ import annotations

from pathlib import Path

from netcompanion.badge import qr

WIDTH, HEIGHT, FPS = 640, 480, 30
GREY, BLACK, WHITE = 128, 16, 235
QUIET = 4


def _luma_with_code(text: str, fill: float = 0.6) -> bytes:
    code = qr.matrix(text)
    total = code.size + 2 * QUIET
    scale = max(1, int(HEIGHT * fill) // total)
    side = total * scale
    x0, y0 = (WIDTH - side) // 2, (HEIGHT - side) // 2
    rows = []
    for module_row in range(total):
        y = module_row - QUIET
        row = bytearray()
        for module_column in range(total):
            x = module_column - QUIET
            dark = 0 <= x < code.size and 0 <= y < code.size and code.rows[y][x]
            row += bytes([BLACK if dark else WHITE]) * scale
        line = bytes([GREY]) * x0 + bytes(row) + bytes([GREY]) * (WIDTH - x0 - side)
        rows.extend([line] * scale)
    top = [bytes([GREY]) * WIDTH] * y0
    bottom = [bytes([GREY]) * WIDTH] * (HEIGHT - y0 - side)
    return b"".join(top + rows + bottom)


def write_clip(path: Path, text: str | None, blank: int = 0, frames: int = 1) -> Path:
    """``blank`` grey frames, then ``frames`` frames of the QR code of ``text`` (grey only when
    ``text`` is None)."""
    grey = bytes([GREY]) * (WIDTH * HEIGHT)
    shown = grey if text is None else _luma_with_code(text)
    chroma = bytes([128]) * (WIDTH * HEIGHT // 2)  # U and V at a quarter size each: no colour
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for index in range(blank + max(frames, 1)):
            out.write(b"FRAME\n")
            out.write(grey if index < blank else shown)
            out.write(chroma)
    return path
