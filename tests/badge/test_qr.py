"""QR encoding: decoded by a real reader, equal to a reference encoder, the right mask chosen."""

from __future__ import annotations

import io
import re
import secrets
import xml.etree.ElementTree as ET

import pytest
import qrcode
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from netcompanion.badge import qr


def badge_url(length: int = 130) -> str:
    base = "https://events.example.com/b/"
    return base + secrets.token_urlsafe(length)[: length - len(base)]


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def test_png_decodes_back_to_the_badge_url_at_level_m():
    url = badge_url()

    [found] = decode(Image.open(io.BytesIO(qr.png(url))))

    assert found.text == url
    assert found.ec_level == "M"
    assert found.extra["Version"] == "8"


def test_non_ascii_data_round_trips_as_utf8():
    url = "https://events.example.com/b/Zoë-Ångström-王小明"

    [found] = decode(Image.open(io.BytesIO(qr.png(url, scale=4))))

    assert found.text == url


def test_a_130_byte_badge_url_is_version_8():
    code = qr.matrix(badge_url(130))

    assert (code.version, code.size) == (8, 49)
    assert all(len(row) == 49 and set(row) <= {0, 1} for row in code.rows)


def test_png_has_the_quiet_zone_and_scale():
    code = qr.matrix("hello")
    image = Image.open(io.BytesIO(qr.png("hello", scale=3))).convert("L")

    side = (code.size + 2 * qr.QUIET_ZONE) * 3
    assert image.size == (side, side)
    margin = qr.QUIET_ZONE * 3
    border = [image.getpixel((x, y)) for x in range(side) for y in range(margin)]
    assert set(border) == {255}
    assert image.getpixel((margin, margin)) == 0  # the finder pattern's corner


@pytest.mark.parametrize("length", [1, 20, 60, 130, 300, 1000, 2331])
def test_modules_equal_the_reference_encoder_for_every_mask(length):
    data = ("https://events.example.com/b/" + secrets.token_urlsafe(2400))[:length]
    for mask in range(8):
        ref = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=mask)
        ref.add_data(data, optimize=0)  # byte mode, as here
        ref.make(fit=True)

        code = qr.matrix(data, mask=mask)

        assert code.version == ref.version
        assert [list(row) for row in code.rows] == [
            [int(m) for m in row] for row in ref.get_matrix()
        ]


def test_chosen_mask_has_the_lowest_penalty():
    for _ in range(5):
        url = badge_url()
        scores = [reference_penalty(qr.matrix(url, mask=m).rows) for m in range(8)]

        assert qr.matrix(url).mask == scores.index(min(scores))


def test_svg_is_one_scalable_path_that_draws_the_modules():
    url = badge_url()
    code = qr.matrix(url)
    root = ET.fromstring(qr.svg(url))  # noqa: S314 - our own output

    side = code.size + 2 * qr.QUIET_ZONE
    assert root.get("viewBox") == f"0 0 {side} {side}"
    assert root.get("shape-rendering") == "crispEdges"
    assert root.get("width") is None  # scales to whatever box it is put in
    [path] = root.findall("{http://www.w3.org/2000/svg}path")
    drawn = [[0] * code.size for _ in range(code.size)]
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path.get("d")):
        row, col = int(y) - qr.QUIET_ZONE, int(x) - qr.QUIET_ZONE
        for c in range(col, col + int(n)):
            drawn[row][c] = 1
    assert drawn == [list(row) for row in code.rows]


def test_data_too_long_for_any_version_is_refused():
    with pytest.raises(ValueError, match="do not fit"):
        qr.matrix("x" * 2332)


def reference_penalty(rows: tuple[bytes, ...]) -> int:
    """Score a symbol module by module (ISO 18004 7.8.3), the quiet zone counting as light."""
    size = len(rows)
    lines = [list(r) for r in rows] + [[rows[r][c] for r in range(size)] for c in range(size)]
    score = 0
    for line in lines:
        run, prev = 0, None
        for m in [*line, None]:  # None ends the last run
            if m == prev:
                run += 1
            else:
                score += run - 2 if run >= 5 else 0
                run, prev = 1, m
        padded = "0000" + "".join(map(str, line)) + "0000"
        for pattern in ("00001011101", "10111010000"):
            score += 40 * sum(
                padded.startswith(pattern, i) for i in range(len(padded) - len(pattern) + 1)
            )
    for r in range(size - 1):
        for c in range(size - 1):
            if rows[r][c] == rows[r][c + 1] == rows[r + 1][c] == rows[r + 1][c + 1]:
                score += 3
    dark = sum(sum(row) for row in rows)
    total = size * size
    return score + 10 * ((abs(dark * 20 - total * 10) + total - 1) // total - 1)
