"""Names of downloaded files, made from names people typed.

A file's name travels in the ``Content-Disposition`` header, which cannot hold a line break:
a name stored with one (typed before forms folded them, or imported) must still download.
"""

from __future__ import annotations


def download_name(name: str, fallback: str = "download") -> str:
    """``name`` on one line: every run of whitespace, line breaks included, as one space."""
    return " ".join(name.split()) or fallback
