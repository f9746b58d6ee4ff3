"""The streamed .zip: readable by the standard library's zipfile (which shares no code with the
writer), ZIP64 past 65,535 files, safe and unique names, memory that does not grow."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import UTC, datetime

from netcompanion.export.zipping import UniqueNames, ZipStream, safe_stem


def written(files) -> bytes:
    return b"".join(ZipStream().stream(files))


def test_files_read_back_byte_for_byte_with_their_names_and_dates():
    stamp = datetime(2025, 3, 14, 9, 30, 12, tzinfo=UTC)
    files = [
        ("Zoë Weber.vcf", "BEGIN:VCARD\r\nFN:Zoë\r\nEND:VCARD\r\n".encode(), stamp),
        ("王芳.vcf", "BEGIN:VCARD\r\nFN:王芳\r\nEND:VCARD\r\n".encode() * 50, stamp),
        ("empty.vcf", b"", None),
    ]
    archive = zipfile.ZipFile(io.BytesIO(written(files)))
    assert archive.testzip() is None
    assert archive.namelist() == [name for name, _data, _when in files]
    for name, data, _when in files:
        assert archive.read(name) == data
    info = archive.getinfo("Zoë Weber.vcf")
    assert info.date_time == (2025, 3, 14, 9, 30, 12)
    assert info.flag_bits & 0x0800  # UTF-8 names
    assert info.compress_type == zipfile.ZIP_DEFLATED


def test_more_than_65535_files_use_zip64_and_memory_stays_flat():
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n"
    total = 0
    tracemalloc.start()
    try:
        archive_size = 0
        pieces = []
        for chunk in ZipStream().stream((f"person {n}.vcf", card, None) for n in range(70_000)):
            archive_size += len(chunk)
            pieces.append(chunk)
            total += 1
        # The pieces are kept here only to read the archive back; the writer itself holds
        # at most one batch and a 1 MB spool of directory records.
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    data = b"".join(pieces)
    assert peak - archive_size < 8 * 1024 * 1024
    assert b"PK\x06\x06" in data[-200:] and b"PK\x06\x07" in data[-200:]  # ZIP64 end records
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert len(names) == 70_000 and names[-1] == "person 69999.vcf"
    assert archive.read("person 65536.vcf") == card
    assert total > 10  # streamed in pieces


def test_names_are_safe_on_every_file_system():
    assert safe_stem("../../etc/passwd") == "etc passwd"
    assert safe_stem('a<b>c:d"e|f?g*h\\i/j') == "a b c d e f g h i j"
    assert safe_stem("  ...  ") == "contact"
    assert safe_stem("CON") == "_CON" and safe_stem("lpt1.txt") == "_lpt1.txt"
    assert safe_stem("Line\nbreak\ttab") == "Line break tab"
    long = safe_stem("王" * 100)
    assert len(long.encode()) <= 120 and long == "王" * 40  # cut between characters


def test_names_stay_unique_however_often_a_name_repeats():
    names = UniqueNames(".vcf")
    given = [names.name("Ana Weber", f"id{n}") for n in range(5)]
    given += [names.name("ANA WEBER", "idX"), names.name("Ana Weber (id1)", "idY")]
    assert given[0] == "Ana Weber.vcf"
    assert given[1] == "Ana Weber (id1).vcf"
    assert len({g.casefold() for g in given}) == len(given)
