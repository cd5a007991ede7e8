"""Where items come from: files and folders on disk, and feeds over HTTP.

Sources only fetch bytes; parsers read them.  A feed is fetched with a
conditional GET, so an unchanged feed costs the agency and us one short
answer (304), and a download is capped so a runaway feed cannot fill memory.
"""

import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

MAX_DOWNLOAD = 50 * 1024 * 1024
TIMEOUT = 30
USER_AGENT = "Minbar-ingest/1"


class FetchError(OSError):
    pass


@dataclass
class Fetched:
    """A feed's answer: its content, or None when unchanged since last time."""

    content: bytes | None
    etag: str = ""
    last_modified: str = ""


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def fetch(url: str, etag: str = "", last_modified: str = "") -> Fetched:
    if not is_url(url):
        raise FetchError(_("%(url)s is not an http(s) address") % {"url": url})
    # Checked above: only http(s), never file: or ftp:.
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310  # nosec B310
            content = response.read(MAX_DOWNLOAD + 1)
            headers = response.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, etag, last_modified)
        raise FetchError(
            _("%(url)s answered %(status)s") % {"url": url, "status": exc.code}
        ) from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise FetchError(
            _("%(url)s cannot be reached: %(reason)s")
            % {"url": url, "reason": getattr(exc, "reason", exc)}
        ) from exc
    if len(content) > MAX_DOWNLOAD:
        raise FetchError(_("%(url)s is larger than 50 MB") % {"url": url})
    return Fetched(content, headers.get("ETag", ""), headers.get("Last-Modified", ""))


def files_in(path: Path) -> Iterator[Path]:
    """A file, or a folder's files (and its subfolders'), in name order.

    Hidden files and the pictures that travel with the items are not items.
    """
    if path.is_file():
        yield path
        return
    for found in sorted(path.rglob("*")):
        hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
        if found.is_file() and not hidden and found.suffix.lower() in ITEM_SUFFIXES:
            yield found


ITEM_SUFFIXES = {".json", ".xml", ".rss", ".atom", ".wxr"}


def as_stream(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)
