"""IPTC NewsML-G2: a newsItem, a packageItem, or a newsMessage of several items.

Each newsItem becomes one entry, named ``file.xml#<guid>``.  A package only
groups items: the items it refers to that are in the same newsMessage are
read there (a text item gets the package's pictures, and those picture items
are then reported as attached rather than as stories of their own); the ones
that are not in the file are reported as skipped, since there is nothing to
read.  Bodies come from ``inlineXML`` (NITF or XHTML, written out as the
newsroom's small HTML subset) or ``inlineData`` (plain text as paragraphs).

Catalogs are never fetched: a qcode is kept as it is written (``genre``,
``Subject.code``), and a concept without a ``<name>`` gets no name.  The XML is
read without network access or entity expansion (see ``common.parse_xml``).
"""

import datetime
import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from ..items import ParsedEntry, Person, Picture, Subject, WireItem
from .common import (
    BodyText,
    EntryError,
    child,
    children,
    descendants,
    element_text,
    localname,
    nfc,
    parse_datetime,
    parse_xml,
    read_nitf,
    read_xhtml,
    text_to_html,
    urgency,
)

FORMAT = "newsml-g2"
NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ITEMS = {"newsItem", "packageItem", "newsMessage"}
NOT_STORIES = {"conceptItem", "knowledgeItem", "planningItem", "catalog"}
FRAGMENTS = {"contentSet", "contentMeta", "itemMeta", "itemSet", "groupSet"}
PICTURE_CLASSES = {"picture", "graphic"}
MEDIA_CLASSES = {"video", "audio"}
PUBSTATUS = {
    "usable": "usable",
    "withheld": "withheld",
    "canceled": "canceled",
    "cancelled": "canceled",
}
SECONDARY_HEADLINES = {"sub", "subheadline", "short", "kicker", "alternative"}
PLACE_TYPES = {"geoarea", "poi"}
ALT_ROLES = ("alt", "alttext", "alternative")

_PROLOG = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.DOTALL)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def sniff(head: bytes, format: str) -> bool:
    """An XML file whose root element is a NewsML-G2 item or fragment."""
    if format != FORMAT:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    found = _FIRST_TAG.search(_PROLOG.sub(b"", head.lstrip(b"\xef\xbb\xbf")))
    if found is None:
        return False
    root = found.group(1).decode("ascii", "replace").rpartition(":")[2]
    return root in ITEMS | NOT_STORIES | FRAGMENTS


def parse(source: BinaryIO, name: str) -> Iterator[ParsedEntry]:
    try:
        root = parse_xml(source.read())
    except EntryError as exc:
        yield ParsedEntry(name, error=str(exc))
        return
    qname = etree.QName(root)
    local, namespace = qname.localname, qname.namespace
    if namespace not in (NAR, None) or local not in ITEMS | NOT_STORIES | FRAGMENTS:
        where = f" in the namespace {namespace}" if namespace else ""
        message = f"not NewsML-G2: the root element is <{local}>{where}"
        yield ParsedEntry(name, error=message)
    elif local == "newsMessage":
        yield from read_message(root, name)
    elif local == "newsItem":
        guid = (root.get("guid") or "").strip()
        yield news_entry(root, f"{name}#{guid}" if guid else name)
    elif local == "packageItem":
        yield from package_entries(root, name, 1, {})
    elif local in NOT_STORIES:
        yield ParsedEntry(name, skipped=f"a {local}, not a news item")
    else:
        yield ParsedEntry(
            name,
            error=f"a NewsML-G2 fragment (<{local}>), not a newsItem, packageItem "
            "or newsMessage: there is no item to read",
        )


# Messages and packages


def read_message(root: etree._Element, name: str) -> Iterator[ParsedEntry]:
    """Every item of the itemSet in order; pictures go to their package's story."""
    members = [node for node in children(root, "itemSet") for node in node]
    members = [node for node in members if isinstance(node.tag, str)]
    if not members:
        yield ParsedEntry(name, skipped="a newsMessage with no items")
        return
    news = {
        guid: node
        for node in members
        if localname(node) == "newsItem" and (guid := (node.get("guid") or "").strip())
    }
    attached, owner = package_links(members, news)
    for position, node in enumerate(members, 1):
        kind = localname(node)
        guid = (node.get("guid") or "").strip()
        location = f"{name}#{guid or position}"
        if kind == "packageItem":
            yield from package_entries(node, name, position, news)
        elif kind != "newsItem":
            yield ParsedEntry(location, skipped=f"a {kind}, not a news item")
        elif guid in owner:
            reason = f"a picture of the story {owner[guid]} in the same package"
            yield ParsedEntry(location, skipped=reason)
        else:
            extra = [picture_of(news[ref]) for ref in attached.get(guid, [])]
            yield news_entry(node, location, [p for p in extra if p is not None])


def item_refs(package: etree._Element) -> list[str]:
    refs = []
    for ref in descendants(package, "itemRef"):
        target = (ref.get("residref") or ref.get("href") or "").strip()
        if target and target not in refs:
            refs.append(target)
    return refs


def package_links(
    members: list[etree._Element], news: dict[str, etree._Element]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Which pictures go with which story: (story -> pictures, picture -> story)."""
    attached: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for package in members:
        if localname(package) != "packageItem":
            continue
        refs = [ref for ref in item_refs(package) if ref in news]
        classes = {ref: item_class(news[ref]) for ref in refs}
        pictures = [ref for ref in refs if classes[ref] in PICTURE_CLASSES]
        stories = [
            ref for ref in refs if classes[ref] not in PICTURE_CLASSES | MEDIA_CLASSES
        ]
        for story in stories:
            known = attached.setdefault(story, [])
            known.extend(ref for ref in pictures if ref not in known)
        for ref in pictures if stories else []:
            owner.setdefault(ref, stories[0])
    return attached, owner


def package_entries(
    package: etree._Element,
    name: str,
    position: int,
    news: dict[str, etree._Element],
) -> Iterator[ParsedEntry]:
    """A package yields only the items it names that are not in the file."""
    guid = (package.get("guid") or "").strip()
    refs = item_refs(package)
    if not refs:
        reason = "a package that refers to no items"
        yield ParsedEntry(f"{name}#{guid or position}", skipped=reason)
    for ref in refs:
        if ref not in news:
            reason = (
                f"referenced by the package {guid or 'in this file'}, "
                "but the item itself is not in this file"
            )
            yield ParsedEntry(f"{name}#{ref}", skipped=reason)


# News items


def news_entry(
    node: etree._Element, location: str, extra: list[Picture] | None = None
) -> ParsedEntry:
    try:
        found = read_news_item(node, extra or [])
    except EntryError as exc:
        return ParsedEntry(location, error=str(exc))
    if isinstance(found, str):
        return ParsedEntry(location, skipped=found)
    return ParsedEntry(location, item=found)


def read_news_item(node: etree._Element, extra: list[Picture]) -> WireItem | str:
    """A WireItem, or the reason the item is not a story."""
    guid = (node.get("guid") or "").strip()
    if not guid:
        raise EntryError("the newsItem has no guid")
    kind = item_class(node)
    if kind in MEDIA_CLASSES:
        return f"a {kind} item: Minbar ingests stories and pictures"
    meta, content_meta = child(node, "itemMeta"), child(node, "contentMeta")
    language = item_language(node)
    body = read_content(child(node, "contentSet"))
    headline = pick_headline(content_meta, language) or body.headline
    if not headline:
        raise EntryError("no headline: contentMeta has no <headline>")
    own = picture_of(node) if kind in PICTURE_CLASSES else None
    return WireItem(
        format=FORMAT,
        guid=guid,
        headline=headline,
        version=(node.get("version") or "").strip(),
        pubstatus=pubstatus(meta),
        kicker=pick_headline(content_meta, language, kicker=True),
        summary=description(content_meta, ("summary",), language) or body.abstract,
        body_html=body.body_html,
        byline=element_text(child(content_meta, "by")) or body.byline,
        people=people(content_meta, language),
        subjects=subjects(content_meta, language),
        genre=genre(content_meta, language),
        urgency=urgency(element_text(child(content_meta, "urgency")), "urgency"),
        located=name_of(child(content_meta, "located"), language),
        dateline=element_text(child(content_meta, "dateline")),
        pictures=([own] if own else []) + extra,
        embargoed=meta_date(meta, "embargoed"),
        firstcreated=meta_date(meta, "firstCreated"),
        versioncreated=meta_date(meta, "versionCreated"),
        language=language,
        credit=credit(node, language),
    )


def code_tail(value: str | None) -> str:
    """The code of a qcode or URI: "stat:usable" and ".../usable" give "usable"."""
    return re.split(r"[:/]", (value or "").strip())[-1]


def item_class(node: etree._Element) -> str:
    found = child(child(node, "itemMeta"), "itemClass")
    if found is None:
        return ""
    return code_tail(found.get("qcode") or found.get("uri")).lower()


def item_language(node: etree._Element) -> str:
    tag = child(child(node, "contentMeta"), "language")
    value = tag.get("tag") if tag is not None else ""
    return (value or node.get(XML_LANG) or "").strip()


def by_language(elements: list[etree._Element], language: str) -> etree._Element | None:
    """The element in the item's language (exact, then the same primary
    language, then one with no xml:lang), else the first."""
    wanted = language.lower()

    def rank(element: etree._Element) -> int:
        lang = (element.get(XML_LANG) or "").lower()
        if wanted and lang == wanted:
            return 0
        if wanted and lang.split("-")[0] == wanted.split("-")[0]:
            return 1
        return 2 if lang == "" else 3

    return min(elements, key=rank) if elements else None


def name_of(concept: etree._Element | None, language: str) -> str:
    return element_text(by_language(children(concept, "name"), language))


def pick_headline(
    meta: etree._Element | None, language: str, kicker: bool = False
) -> str:
    """The main headline: one without a role (or role main), else the first
    that is not a sub-headline; with ``kicker``, the one with role kicker."""
    headlines = children(meta, "headline")
    roles = [(h, code_tail(h.get("role")).lower()) for h in headlines]
    if kicker:
        chosen = [h for h, role in roles if role == "kicker"]
    else:
        chosen = [h for h, role in roles if role in ("", "main")] or [
            h for h, role in roles if role not in SECONDARY_HEADLINES
        ]
    return element_text(by_language(chosen, language))


def description(
    meta: etree._Element | None, roles: tuple[str, ...], language: str
) -> str:
    """The description with one of these roles (drol:summary, drol:caption)."""
    found = [
        node
        for node in children(meta, "description")
        if code_tail(node.get("role")).lower() in roles
    ]
    return element_text(by_language(found, language))


def pubstatus(meta: etree._Element | None) -> str:
    status = child(meta, "pubStatus")
    if status is None:
        return "usable"
    qcode = status.get("qcode") or status.get("uri") or ""
    found = PUBSTATUS.get(code_tail(qcode).lower())
    if found is None:
        raise EntryError(
            f"itemMeta/pubStatus {qcode!r} is not usable, withheld or canceled"
        )
    return found


def meta_date(meta: etree._Element | None, tag: str) -> datetime.datetime | None:
    found = child(meta, tag)
    value = (found.text or "").strip() if found is not None else ""
    return parse_datetime(value or None, f"itemMeta/{tag}")


def people(meta: etree._Element | None, language: str) -> list[Person]:
    """Creators are the authors; contributors keep their role (ctrol:editor)."""
    found = []
    for node in children(meta, "creator") + children(meta, "contributor"):
        name = name_of(node, language)
        if not name:
            continue
        role = "author"
        if localname(node) == "contributor":
            role = code_tail(node.get("role")) or "contributor"
        code = node.get("qcode") or node.get("uri") or node.get("literal") or ""
        found.append(Person(name=name, role=role, code=code))
    return found


def subjects(meta: etree._Element | None, language: str) -> list[Subject]:
    """Named subjects (a geoArea or poi is a place, a person a person) and
    keywords (as tags); a subject with only a qcode has no name to show."""
    found = []
    for node in children(meta, "subject"):
        name = name_of(node, language)
        if not name:
            continue
        nature = code_tail(node.get("type")).lower()
        kind = "place" if nature in PLACE_TYPES else "subject"
        kind = "person" if nature == "person" else kind
        code = node.get("qcode") or node.get("uri") or ""
        found.append(Subject(name=name, kind=kind, code=code))
    for node in children(meta, "keyword"):
        if element_text(node):
            found.append(Subject(name=element_text(node), kind="tag"))
    return found


def genre(meta: etree._Element | None, language: str) -> str:
    for node in children(meta, "genre"):
        value = node.get("qcode") or node.get("uri") or name_of(node, language)
        if value:
            return value
    return ""


def credit(node: etree._Element, language: str) -> str:
    """creditline, else a named infoSource, else the copyright holder."""
    meta = child(node, "contentMeta")
    line = element_text(child(meta, "creditline"))
    if line:
        return line
    for source in children(meta, "infoSource"):
        if name_of(source, language):
            return name_of(source, language)
    holder = child(child(node, "rightsInfo"), "copyrightHolder")
    return name_of(holder, language)


def read_content(content_set: etree._Element | None) -> BodyText:
    """NITF or XHTML from inlineXML, else plain text from inlineData."""
    fallback = BodyText()
    for node in content_set if content_set is not None else []:
        kind = localname(node)
        if kind == "inlineXML":
            for root in node:
                if localname(root) == "nitf":
                    return read_nitf(root)
                if localname(root) in ("html", "body"):
                    return read_xhtml(root)
        elif kind == "inlineData" and not fallback.body_html:
            text = node.text or ""
            if "html" in (node.get("contenttype") or "").lower():
                fallback = BodyText(body_html=nfc(text.strip()))
            else:
                fallback = BodyText(body_html=text_to_html(text))
    return fallback


def picture_of(node: etree._Element) -> Picture | None:
    """A picture item as a Picture: its largest image remoteContent, caption
    (drol:caption) and creditline."""
    language = item_language(node)
    meta = child(node, "contentMeta")
    remotes = [
        remote
        for remote in children(child(node, "contentSet"), "remoteContent")
        if (remote.get("href") or "").strip()
        and (remote.get("contenttype") or "image/").lower().startswith("image/")
    ]
    if not remotes:
        return None
    best = max(remotes, key=area)
    return Picture(
        href=(best.get("href") or "").strip(),
        caption=description(meta, ("caption",), language),
        credit=element_text(child(meta, "creditline"))
        or element_text(child(meta, "by"))
        or credit(node, language),
        alt=description(meta, ALT_ROLES, language),
        mimetype=best.get("contenttype") or "",
        width=dimension(best.get("width")),
        height=dimension(best.get("height")),
    )


def dimension(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def area(remote: etree._Element) -> int:
    width, height = dimension(remote.get("width")), dimension(remote.get("height"))
    return (width or 0) * (height or 0)
