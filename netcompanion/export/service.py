"""An export as a stream of bytes: vCards, a .zip of one card per file, or CSV.

Callable without a request (the bench iterates it in-process). Contacts are read only while
the stream is iterated, and never more than one chunk of them at a time (see ``records``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .cards import CardWriter
from .context import Wording
from .csv_export import captures_csv, contacts_csv
from .records import ContactRecord, Reader
from .selection import Options, Scope
from .zipping import UniqueNames, ZipStream, safe_stem

CONTENT_TYPES = {
    "vcf": "text/vcard; charset=utf-8",
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
}
#: Cards per write to the response.
CARDS_PER_CHUNK = 250


@dataclass
class Download:
    chunks: Iterator[bytes]
    content_type: str
    filename: str


def export(scope: Scope, fmt: str, options: Options, chunk: int | None = None) -> Download:
    """The export of ``scope`` in ``fmt`` (vcf, zip or csv)."""
    reader = Reader(scope.org_id, **({"chunk": chunk} if chunk else {}))
    wording = Wording()
    name = safe_stem(scope.name, "export")
    if fmt == "csv":
        if scope.event_id is not None and options.preset.key == "generic":
            chunks = captures_csv(
                reader.event_captures(scope.event_id, scope.capture_ids),
                reader.questions(scope.event_id),
                wording,
            )
        else:
            chunks = contacts_csv(_records(reader, scope), options.preset, wording)
            if options.preset.key != "generic":
                name = f"{name}-{options.preset.key}"
        return Download(chunks, CONTENT_TYPES["csv"], f"{name}.csv")
    writer = CardWriter(scope.org_public_id, options.version, wording)
    if fmt == "zip":
        return Download(_zip(_records(reader, scope), writer), CONTENT_TYPES["zip"], f"{name}.zip")
    return Download(_vcards(_records(reader, scope), writer), CONTENT_TYPES["vcf"], f"{name}.vcf")


def _records(reader: Reader, scope: Scope) -> Iterator[ContactRecord]:
    for record in reader.contacts(scope.contacts):
        if scope.list_id is not None and len(record.lists) > 1:
            # The exported list first: it is the pool and stage a CRM preset names.
            record.lists.sort(key=lambda m: m.list_id != scope.list_id)
        yield record


def _vcards(records: Iterable[ContactRecord], writer: CardWriter) -> Iterator[bytes]:
    batch: list[bytes] = []
    for record in records:
        batch.append(writer.card(record))
        if len(batch) == CARDS_PER_CHUNK:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


def _zip(records: Iterable[ContactRecord], writer: CardWriter) -> Iterator[bytes]:
    """One card per file, named after the person (classic Outlook imports one per file)."""
    names = UniqueNames(".vcf")
    files = (
        (
            names.name(writer.fn(record)[0], record.public_id),
            writer.card(record),
            record.updated_at,
        )
        for record in records
    )
    yield from ZipStream().stream(files)
