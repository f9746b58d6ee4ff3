"""A .zip written as it streams, in constant memory, one vCard per file.

The standard library's ``zipfile`` keeps every entry's ``ZipInfo`` until it writes the central
directory at the end: about 500 bytes per file, 50 MB for 100,000 cards. Here each file's
central directory record is written to a spooled temporary file (memory up to 1 MB, then
disk) and copied out at the end, so memory does not grow with the number of files.

The format (PKWARE APPNOTE 6.3): each card is small and compressed whole before its local
header is written, so sizes and CRC are known and no data descriptor is needed. Names are
UTF-8 (flag bit 11). ZIP64 records are added when the archive needs them: more than 65,535
files (an export of 100,000 contacts does), or offsets past 4 GiB.

File names come from people's names and stay unique without remembering every name: a 1 MB
bitmap of name hashes tells which names may have been used; such a name (a second "Ana
Weber", or a rare false alarm) gets the contact's public id, unique by construction, added.
"""

from __future__ import annotations

import hashlib
import re
import struct
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_END64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR64 = struct.Struct("<IIQI")
_U16, _U32 = 0xFFFF, 0xFFFFFFFF
_UTF8_NAMES = 0x0800
_DEFLATE = 8
_VERSION = 20  # 2.0: deflate
_VERSION64 = 45  # 4.5: ZIP64
_MADE_BY_UNIX = 3 << 8
_FILE_MODE = (0o100644 << 16) & _U32

#: Characters no file system (or unzip tool) handles well in a name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(10)}
#: UTF-8 bytes of a name's stem: well under every file system's 255.
MAX_STEM_BYTES = 120
_BITMAP_BITS = 1 << 23  # 1 MiB


def safe_stem(name: str, fallback: str = "contact") -> str:
    """A file name stem from a person's name: no path, no reserved or control characters."""
    stem = unicodedata.normalize("NFC", name)
    stem = " ".join(_UNSAFE.sub(" ", stem).split()).strip(" .")
    encoded = stem.encode()
    if len(encoded) > MAX_STEM_BYTES:
        stem = encoded[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(" .")
    if not stem:
        stem = fallback
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem


class UniqueNames:
    """Hands out unique file names in constant memory (see the module's docstring)."""

    def __init__(self, extension: str):
        self.extension = extension
        self._seen = bytearray(_BITMAP_BITS // 8)

    def _claim(self, name: str) -> bool:
        """Mark ``name`` used; whether it may have been used before."""
        digest = hashlib.blake2b(name.casefold().encode(), digest_size=8).digest()
        bit = int.from_bytes(digest, "little") % _BITMAP_BITS
        byte, mask = bit >> 3, 1 << (bit & 7)
        taken = bool(self._seen[byte] & mask)
        self._seen[byte] |= mask
        return taken

    def name(self, person: str, unique_id: str) -> str:
        stem = safe_stem(person)
        name = f"{stem}{self.extension}"
        if self._claim(name):
            name = f"{stem} ({unique_id}){self.extension}"
            self._claim(name)
        return name


def _dos_time(moment: datetime | None) -> tuple[int, int]:
    t = moment.timetuple() if moment else time.gmtime()
    year = min(max(t.tm_year, 1980), 2107)
    return (
        (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2),
        ((year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday,
    )


class ZipStream:
    """Yield an archive's bytes while files are added: ``for chunk in ZipStream().stream(files)``.

    ``files`` yields (name, data, modified) triples, data as bytes.
    """

    def __init__(self, level: int = 6):
        self.level = level
        self.offset = 0
        self.count = 0
        self._directory = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115

    def stream(
        self, files: Iterable[tuple[str, bytes, datetime | None]], batch: int = 1 << 16
    ) -> Iterator[bytes]:
        try:
            pending: list[bytes] = []
            size = 0
            for name, data, modified in files:
                chunk = self.add(name, data, modified)
                pending.append(chunk)
                size += len(chunk)
                if size >= batch:
                    yield b"".join(pending)
                    pending, size = [], 0
            yield b"".join(pending)
            yield from self.finish(batch)
        finally:
            self._directory.close()

    def add(self, name: str, data: bytes, modified: datetime | None = None) -> bytes:
        """One file's local header and compressed data; its central record goes to the spool."""
        encoded = name.encode()
        compressor = zlib.compressobj(self.level, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        crc = zlib.crc32(data)
        clock, day = _dos_time(modified)
        header = _LOCAL.pack(
            0x04034B50,
            _VERSION,
            _UTF8_NAMES,
            _DEFLATE,
            clock,
            day,
            crc,
            len(packed),
            len(data),
            len(encoded),
            0,
        )
        offset = self.offset
        extra = b""
        needed = _VERSION
        if offset >= _U32:  # past 4 GiB: the offset lives in a ZIP64 extra field
            extra = struct.pack("<HHQ", 0x0001, 8, offset)
            needed = _VERSION64
        self._directory.write(
            _CENTRAL.pack(
                0x02014B50,
                _MADE_BY_UNIX | needed,
                needed,
                _UTF8_NAMES,
                _DEFLATE,
                clock,
                day,
                crc,
                len(packed),
                len(data),
                len(encoded),
                len(extra),
                0,
                0,
                0,
                _FILE_MODE,
                min(offset, _U32),
            )
            + encoded
            + extra
        )
        self.count += 1
        self.offset += len(header) + len(encoded) + len(packed)
        return header + encoded + packed

    def finish(self, batch: int = 1 << 16) -> Iterator[bytes]:
        """The central directory, read back from the spool a piece at a time, and its end
        records (ZIP64 ones when needed)."""
        start = self.offset
        size = self._directory.tell()
        self._directory.seek(0)
        while piece := self._directory.read(batch):
            yield piece
        end = start + size
        tail = []
        if self.count >= _U16 or start >= _U32 or size >= _U32:
            tail.append(
                _END64.pack(
                    0x06064B50,
                    _END64.size - 12,
                    _MADE_BY_UNIX | _VERSION64,
                    _VERSION64,
                    0,
                    0,
                    self.count,
                    self.count,
                    size,
                    start,
                )
            )
            tail.append(_LOCATOR64.pack(0x07064B50, 0, end, 1))
        tail.append(
            _END.pack(
                0x06054B50,
                0,
                0,
                min(self.count, _U16),
                min(self.count, _U16),
                min(size, _U32),
                min(start, _U32),
                0,
            )
        )
        yield b"".join(tail)
