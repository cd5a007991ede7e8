"""IPTC ninjs (News in JSON) 1.x, 2.x and 3.x: one item, or a JSON list of items.

The versions differ more in spelling than in substance: 1.x has ``headline``,
``byline`` and ``body_html`` strings and keyed ``associations`` and
``renditions`` objects; 2.x has arrays (``headlines``, ``bodies``,
``descriptions``); 3.x the same arrays in camelCase (``versionCreated``,
``altIds``, ``embargoedUntil``).  Keys are lower-cased after validation, so
one set of rules reads 2.x and 3.x, and Minbar's own site bundles (ninjs 2.2)
read exactly as ``minbar load`` reads them.

A 2.x or 3.x item must be valid against IPTC's JSON Schema (2.2 or 3.1,
shipped in ``schemas/`` under IPTC's MIT licence) when ``jsonschema`` is
importable.  Many documents carry no version marker, so an item valid against
either schema is accepted; the error shown is the one from the schema its key
spelling points to.  There is no 1.x schema in the package: 1.x items get
only the checks below (a uri, a headline, sane dates and urgency).

What is not a story is skipped, not refused: events and planning items,
audio and video, and metadata-only documents with neither headline nor body.
"""

import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any, BinaryIO

from ..items import ParsedEntry, Person, Picture, Subject, WireItem
from .common import (
    EntryError,
    nfc,
    one_line,
    parse_datetime,
    parse_xml,
    read_nitf,
    text_to_html,
    urgency,
)
from .ninjs_schema import check_schema

FORMAT = "ninjs"
SKIPPED_TYPES = {
    "event": "a ninjs event (something planned), not a story",
    "planning": "a ninjs planning item, not a story",
    "audio": "an audio item: Minbar ingests stories and pictures",
    "video": "a video item: Minbar ingests stories and pictures",
}
PICTURE_TYPES = {"picture", "graphic"}
FEATURED = ("featureimage", "featuremedia")  # ninjs 2.x bundles; Superdesk 1.x
SUMMARY_ROLES = ("summary", "abstract", "lead", "teaser")
SECONDARY_HEADLINES = {
    "kicker", "sub", "subheadline", "subtitle", "short", "overline", "dek", "deck",
    "strapline",
}  # fmt: skip
PUBSTATUS = {"usable": "usable", "withheld": "withheld", "canceled": "canceled"}
PUBSTATUS["cancelled"] = "canceled"

# 1.x spells these in the singular, or as body_*/description_* strings.
ONE_X_KEYS = {
    "headline", "byline", "person", "place", "subject", "organisation", "genre",
    "infosource", "trustindicator", "mimetype", "event", "object",
}  # fmt: skip
CAMEL_CASE = re.compile(r"[a-z][A-Z]")
BODY_ELEMENT = re.compile(r"<body\b[^>]*>(.*?)</body\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]*>")
SNIFF = re.compile(
    rb'"(uri|headlines?|bodies|body_html|versioncreated|versionCreated)"\s*:'
)


def sniff(head: bytes, format: str) -> bool:
    """A JSON object or list whose first bytes show a ninjs key."""
    if format != FORMAT:
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start[:1] in (b"{", b"[") and SNIFF.search(head) is not None


def parse(source: BinaryIO, name: str) -> Iterator[ParsedEntry]:
    """One entry per item: ``name`` for a single object, ``name#N`` (from 1)
    for the items of a list."""
    try:
        document = json.loads(source.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        yield ParsedEntry(name, error="not UTF-8 text, which JSON must be")
        return
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        yield ParsedEntry(name, error=message)
        return
    except RecursionError:
        yield ParsedEntry(name, error="not usable JSON: nested too deeply")
        return
    if isinstance(document, dict):
        yield read_entry(document, name)
    elif isinstance(document, list):
        if not document:
            yield ParsedEntry(name, skipped="an empty list: no items")
        for position, element in enumerate(document, 1):
            yield read_entry(element, f"{name}#{position}")
    else:
        yield ParsedEntry(
            name,
            error=f"not ninjs: the file holds {json_kind(document)}, "
            "not an object or a list of objects",
        )


def read_entry(document: object, location: str) -> ParsedEntry:
    """One ninjs object as an entry; a bad item never stops the others."""
    if not isinstance(document, dict):
        message = f"not a ninjs item: {json_kind(document)}, not an object"
        return ParsedEntry(location, error=message)
    try:
        return read_document(document, location)
    except EntryError as exc:
        return ParsedEntry(location, error=str(exc))
    except RecursionError:
        return ParsedEntry(location, error="not a usable item: nested too deeply")


def json_kind(value: object) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return kinds.get(type(value), type(value).__name__)


def read_document(original: dict, location: str) -> ParsedEntry:
    uri = original.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        raise EntryError("no uri: every ninjs item must have one")
    version = ninjs_version(original)
    if version != "1":
        check_schema(original, version)
    doc = lower_keys(original)
    spelling = {key.lower(): key for key in original}
    urgency(doc.get("urgency"), "urgency")  # 2.x's schema allows 0.1; IPTC does not
    reason = skip_reason(doc)
    if reason:
        return ParsedEntry(location, skipped=reason)
    headline, kicker = headlines(doc)
    if not headline:
        if not body_entries(doc) and not renditions(doc):
            reason = "no headline and no body: a metadata-only document"
            return ParsedEntry(location, skipped=reason)
        raise EntryError("no headline: a story needs headlines[] (headline in 1.x)")
    return ParsedEntry(location, item=build(doc, spelling, headline, kicker))


def build(doc: dict, spelling: dict, headline: str, kicker: str) -> WireItem:
    def when(key: str) -> Any:
        return parse_datetime(doc.get(key), spelling.get(key, key))

    embargo = "embargoeduntil" if "embargoeduntil" in doc else "embargoed"
    is_picture = item_type(doc) in PICTURE_TYPES
    return WireItem(
        format=FORMAT,
        guid=doc["uri"].strip(),
        headline=headline,
        version="" if doc.get("version") is None else str(doc["version"]).strip(),
        pubstatus=pubstatus(doc.get("pubstatus"), spelling.get("pubstatus", "")),
        kicker=kicker,
        summary=description(doc, SUMMARY_ROLES, generic=not is_picture),
        body_html=body_html(doc),
        byline=one_line(doc.get("by") or doc.get("byline")),
        people=people(doc),
        subjects=subjects(doc),
        genre=genre(doc),
        urgency=urgency(doc.get("urgency"), "urgency"),
        located=one_line(doc.get("located")),
        pictures=pictures(doc),
        embargoed=when(embargo),
        firstcreated=when("firstcreated"),
        versioncreated=when("versioncreated"),
        language=one_line(doc.get("language")),
        credit=credit(doc),
        credits=credits(doc),
        public_id=public_id(doc),
    )


# Versions and validation


def ninjs_version(doc: dict) -> str:
    """ "1", "2" or "3", from how the keys are spelt (then ``standard.version``)."""
    keys = set(doc)
    if (
        keys & ONE_X_KEYS
        or any(key.startswith(("body_", "description_", "headline_")) for key in keys)
        or isinstance(doc.get("associations"), dict)
        or isinstance(doc.get("renditions"), dict)
    ):
        return "1"
    if has_camel_case_key(doc):
        return "3"
    standard = doc.get("standard")
    if isinstance(standard, dict) and str(standard.get("version", "")).startswith("3"):
        return "3"
    return "2"


def has_camel_case_key(value: object) -> bool:
    if isinstance(value, dict):
        return any(
            CAMEL_CASE.search(str(key)) or has_camel_case_key(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(has_camel_case_key(item) for item in value)
    return False


def lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key).lower(): lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lower_keys(item) for item in value]
    return value


def item_type(doc: dict) -> str:
    kind = doc.get("type")
    return kind if isinstance(kind, str) else ""


def skip_reason(doc: dict) -> str:
    kind = item_type(doc)
    if kind in SKIPPED_TYPES:
        return SKIPPED_TYPES[kind]
    if "eventdetails" in doc:
        return SKIPPED_TYPES["event"]
    if "plannedcoverage" in doc:
        return SKIPPED_TYPES["planning"]
    return ""


# Reading the parts (of a lower-cased document)


def objects(value: object) -> list[dict]:
    """The objects of an array, or of a 1.x object keyed by name."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def plural(doc: dict, name: str, one_x_name: str) -> object:
    return doc[name] if name in doc else doc.get(one_x_name)


def role_of(entry: dict, key: str = "role") -> str:
    return str(entry.get(key) or "").strip().lower()


def plain(entry: dict) -> str:
    """The value of a headline or description as plain text."""
    value = entry.get("value")
    if not isinstance(value, str):
        return ""
    if "html" in str(entry.get("contenttype") or "").lower():
        value = unescape(TAG.sub(" ", value))
    return one_line(value)


def code_of(entry: dict) -> str:
    for key in ("literal", "code", "uri", "qcode"):
        value = one_line(entry.get(key))
        if value:
            return value
    return ""


def headlines(doc: dict) -> tuple[str, str]:
    """The main headline and the kicker: role main, else one without a role,
    else the first that is not a kicker or sub-headline."""
    if isinstance(doc.get("headline"), str):
        return one_line(doc["headline"]), ""
    entries = [(role_of(e), plain(e)) for e in objects(doc.get("headlines"))]
    entries = [(role, text) for role, text in entries if text]
    kicker = next((text for role, text in entries if role == "kicker"), "")
    for wanted in (
        lambda role: role == "main",
        lambda role: role == "",
        lambda role: role not in SECONDARY_HEADLINES,
    ):
        found = next((text for role, text in entries if wanted(role)), "")
        if found:
            return found, kicker
    return "", kicker


def description(doc: dict, roles: tuple[str, ...], generic: bool = False) -> str:
    """The first description with one of these roles, in the roles' order.

    ``generic`` also accepts a plain-text description with no role or role
    "text" (how agencies send a teaser or a picture's caption), then 1.x's
    ``description_text``.
    """
    entries = objects(doc.get("descriptions"))
    for role in roles:
        for entry in entries:
            if role_of(entry) == role and plain(entry):
                return plain(entry)
    if not generic:
        return ""
    for entry in entries:
        html = "html" in str(entry.get("contenttype") or "").lower()
        if role_of(entry) in ("", "text") and not html and plain(entry):
            return plain(entry)
    return one_line(doc.get("description_text"))


def body_entries(doc: dict) -> list[tuple[str, str, str]]:
    """(kind, role, value) of every body; kind is "html", "nitf" or "text"."""
    found = []
    for entry in objects(doc.get("bodies")):
        value = entry.get("value")
        if isinstance(value, str) and value.strip():
            kind = body_kind(str(entry.get("contenttype") or "").lower(), value)
            found.append((kind, role_of(entry), value))
    one_x = {"body_html": "html", "body_xhtml": "html", "body_nitf": "nitf"}
    for key, value in doc.items():
        if key.startswith("body_") and isinstance(value, str) and value.strip():
            found.append((one_x.get(key, "text"), "main", value))
    return found


def body_kind(contenttype: str, value: str) -> str:
    if "nitf" in contenttype:
        return "nitf"
    if "html" in contenttype:
        return "html"
    if contenttype in ("", "text/plain"):
        start = value.lstrip()[:5].lower()
        if start.startswith(("<?xml", "<nitf")):
            return "nitf"
        return "html" if start.startswith("<") and contenttype == "" else "text"
    return "other"


def body_html(doc: dict) -> str:
    """HTML bodies first (as found, inside <body> when there is one), then
    NITF converted, then plain text as paragraphs; role main first in each."""
    entries = body_entries(doc)
    for wanted in ("html", "nitf", "text"):
        matching = sorted(
            (entry for entry in entries if entry[0] == wanted),
            key=lambda entry: entry[1] != "main",
        )
        for _kind, _role, value in matching:
            rendered = render_body(wanted, value)
            if rendered:
                return rendered
    return ""


def render_body(kind: str, value: str) -> str:
    if kind == "html":
        found = BODY_ELEMENT.search(value)
        return nfc((found.group(1) if found else value).strip())
    if kind == "nitf":
        try:
            root = parse_xml(value.encode("utf-8"))
        except EntryError as exc:
            raise EntryError(f"the NITF body is not usable: {exc}") from None
        nitf = next((node for node in root.iter() if _is_nitf(node)), root)
        return read_nitf(nitf).body_html
    return text_to_html(value)


def _is_nitf(node: Any) -> bool:
    return isinstance(node.tag, str) and node.tag.rpartition("}")[2] == "nitf"


def people(doc: dict) -> list[Person]:
    """Everyone named; rel (or role) "author" marks the writers, any other
    rel is kept as the person's role."""
    found = []
    for entry in objects(plural(doc, "people", "person")):
        name = one_line(entry.get("name"))
        if not name:
            continue
        rel = role_of(entry, "rel") or role_of(entry)
        role = "author" if rel == "author" else rel or "subject"
        found.append(Person(name=name, role=role, code=code_of(entry)))
    return found


def subjects(doc: dict) -> list[Subject]:
    found = []
    for entry in objects(plural(doc, "subjects", "subject")):
        kind = "section" if role_of(entry, "rel") == "section" else "subject"
        code = code_of(entry)
        name = one_line(entry.get("name")) or (code if kind == "section" else "")
        if name:
            found.append(Subject(name=name, kind=kind, code=code))
    for entry in objects(plural(doc, "places", "place")):
        name = one_line(entry.get("name"))
        if name:
            found.append(Subject(name=name, kind="place", code=code_of(entry)))
    return found


def genre(doc: dict) -> str:
    for entry in objects(plural(doc, "genres", "genre")):
        value = code_of(entry) or one_line(entry.get("name"))
        if value:
            return value
    return ""


def credit(doc: dict) -> str:
    """The agency to credit: an infosource with role "source" first, then any
    named infosource, then the copyright holder."""
    sources = objects(plural(doc, "infosources", "infosource"))
    for source in sorted(sources, key=lambda entry: role_of(entry) != "source"):
        name = one_line(source.get("name"))
        if name:
            return name
    return one_line(doc.get("copyrightholder"))


def credits(doc: dict) -> list[str]:
    """Every agency named as a source (a story from TASS and KCNA credits both)."""
    sources = objects(plural(doc, "infosources", "infosource"))
    names = [one_line(s.get("name")) for s in sources if role_of(s) == "source"]
    return list(dict.fromkeys(name for name in names if name))


def public_id(doc: dict) -> int | None:
    """altids role "public-id": the number an article must keep."""
    altids = doc.get("altids")
    if isinstance(altids, dict):  # 1.x: {"role": "value"}
        values = [value for role, value in altids.items() if role == "public-id"]
    else:
        values = [
            entry.get("value")
            for entry in objects(altids)
            if role_of(entry) == "public-id"
        ]
    if not values:
        return None
    value = str(values[0]).strip()
    if not re.fullmatch(r"[0-9]+", value):
        raise EntryError(f"altids public-id must be digits, not {values[0]!r}")
    return int(value)


def pubstatus(value: object, field: str) -> str:
    if value is None or value == "":
        return "usable"
    status = PUBSTATUS.get(str(value).strip().lower())
    if status is None:
        raise EntryError(
            f"{field or 'pubstatus'} must be usable, withheld or canceled, "
            f"not {value!r}"
        )
    return status


# Pictures


def pictures(doc: dict) -> list[Picture]:
    """The item itself when it is a picture, then its picture associations,
    the one named featureimage first."""
    found = []
    if item_type(doc) in PICTURE_TYPES:
        found.append(picture(doc))
    associated = associations(doc)
    associated.sort(key=lambda pair: pair[0] not in FEATURED)
    found.extend(picture(entry) for _name, entry in associated if is_picture(entry))
    return [item for item in found if item is not None]


def associations(doc: dict) -> list[tuple[str, dict]]:
    value = doc.get("associations")
    if isinstance(value, dict):  # 1.x: keyed by name
        return [
            (str(key), item) for key, item in value.items() if isinstance(item, dict)
        ]
    return [(role_of(entry, "name"), entry) for entry in objects(value)]


def renditions(doc: dict) -> list[dict]:
    return objects(doc.get("renditions"))


def rendition_type(rendition: dict) -> str:
    return str(rendition.get("contenttype") or rendition.get("mimetype") or "").lower()


def is_picture(entry: dict) -> bool:
    kind = entry.get("type")
    if kind in ("picture", "image"):
        return True
    return kind is None and any(
        rendition_type(rendition).startswith("image/")
        for rendition in renditions(entry)
    )


def picture(entry: dict) -> Picture | None:
    """The largest image rendition (the first, when sizes are not given)."""
    candidates = [rendition for rendition in renditions(entry) if is_image(rendition)]
    if not candidates:
        return None
    best = max(candidates, key=area)
    credit_line = one_line(
        entry.get("by") or entry.get("byline") or entry.get("copyrightholder")
    )
    return Picture(
        href=best["href"].strip(),
        caption=description(entry, ("caption",), generic=True),
        credit=credit_line or description(entry, ("creditline",)),
        alt=description(entry, ("alt",)),
        mimetype=rendition_type(best),
        width=size(best.get("width")),
        height=size(best.get("height")),
    )


def is_image(rendition: dict) -> bool:
    """A rendition with an address and an image type (or no type given)."""
    href, kind = rendition.get("href"), rendition_type(rendition)
    has_href = isinstance(href, str) and bool(href.strip())
    return has_href and (kind == "" or kind.startswith("image/"))


def area(rendition: dict) -> int:
    return (size(rendition.get("width")) or 0) * (size(rendition.get("height")) or 0)


def size(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value > 0 and float(value).is_integer() else None
