"""Parsers, one module per format, found by name or by sniffing the content.

Each module defines ``sniff(head: bytes, format: str) -> bool`` (does the
start of a file look like this format? one module may serve two formats) and
``parse(source: BinaryIO, name: str) -> Iterator[ParsedEntry]``, which reads a
binary stream and yields one entry per item, never raising for a malformed
item or file (it yields the error instead).  Parsers import nothing
from Django: bytes in, wire items out.
"""

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import BinaryIO

from ..items import ParsedEntry

# Sniffed in this order: a WordPress export is also RSS, so it comes first.
PARSERS = {
    "wxr": "minbar.ingest.parsers.wxr",
    "newsml-g2": "minbar.ingest.parsers.newsml",
    "atom": "minbar.ingest.parsers.feeds",
    "rss": "minbar.ingest.parsers.feeds",
    "ninjs": "minbar.ingest.parsers.ninjs",
}
SNIFF_BYTES = 4096


class UnknownFormat(ValueError):
    pass


def parser(name: str) -> ModuleType:
    try:
        return importlib.import_module(PARSERS[name])
    except KeyError:
        raise UnknownFormat(name) from None


def detect(head: bytes) -> str:
    """The format of a file from its first bytes."""
    for name, module in PARSERS.items():
        if importlib.import_module(module).sniff(head, name):
            return name
    raise UnknownFormat("not ninjs, NewsML-G2, RSS, Atom or a WordPress export")


def parse(source: BinaryIO, name: str, format: str = "") -> Iterator[ParsedEntry]:
    """The entries of one file or download (a seekable stream); its format is
    sniffed unless given."""
    if not format:
        format = detect(source.read(SNIFF_BYTES))
        source.seek(0)
    return parser(format).parse(source, name)
