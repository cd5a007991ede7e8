"""The read API: published articles as ninjs, one by one or as a filtered list."""

import base64
import binascii
import datetime
import re
from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import iri_to_uri
from django.views.decorators.http import require_safe
from taggit.models import Tag

from minbar.newsroom.models import ArticlePage, ArticleType, Author, SectionPage
from minbar.syndication.sitemaps import site_root

from .encoders import HtmlSafeJSONEncoder
from .ninjs import article_ninjs, articles, sections_by_path
from .openapi import openapi_document

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
LIST_PARAMETERS = {"section", "type", "writer", "tag", "since", "until"}
SLUG = re.compile(r"[-\w]{1,255}")
PUBLIC_ID = re.compile(r"[1-9][0-9]{0,17}")


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def canonical(request: HttpRequest) -> Callable[[str], str]:
    """Absolute addresses on the site's canonical root, as the pages, feeds
    and sitemaps give them, whatever host the API was asked on."""
    root = site_root(request)

    def absolute(location: str) -> str:
        if not location.startswith(("http://", "https://")):
            location = root + location
        return iri_to_uri(location)

    return absolute


def json_response(data, status=200) -> JsonResponse:
    return JsonResponse(
        data,
        status=status,
        encoder=HtmlSafeJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
        safe=False,
    )


@require_safe
def ninjs_item(request, public_id: str):
    article = None
    if PUBLIC_ID.fullmatch(public_id):
        article = articles().filter(public_id=int(public_id)).first()
    if article is None:
        return json_response(
            {"error": f"no published article with the id {public_id!r}"}, status=404
        )
    return json_response(article_ninjs(article, canonical(request)))


@require_safe
def ninjs_list(request):
    try:
        queryset = filtered(articles(), request.GET)
        limit = parse_limit(request.GET.get("limit"))
        after = (
            decode_cursor(request.GET["cursor"]) if "cursor" in request.GET else None
        )
    except BadParameter as exc:
        return json_response(
            {"error": str(exc), "parameter": exc.parameter}, status=400
        )
    if after is not None:
        published, pk = after
        queryset = queryset.filter(first_published_at__lte=published).exclude(
            first_published_at=published, pk__gte=pk
        )
    page = list(queryset[: limit + 1])
    sections = sections_by_path()
    absolute = canonical(request)
    items = [
        article_ninjs(
            article,
            absolute,
            sections.get(article.path[: -ArticlePage.steplen]),
        )
        for article in page[:limit]
    ]
    next_url = None
    if len(page) > limit:
        last = page[limit - 1]
        query = request.GET.copy()
        query["cursor"] = encode_cursor(last.first_published_at, last.pk)
        query["limit"] = str(limit)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return json_response({"items": items, "next": next_url})


@require_safe
def openapi(request):
    return json_response(openapi_document())


# Parameters


def filtered(queryset, params):
    unknown = set(params) - LIST_PARAMETERS - {"limit", "cursor"}
    if unknown:
        name = sorted(unknown)[0]
        raise BadParameter(name, f"unknown parameter {name!r}")
    queryset = queryset.filter(first_published_at__isnull=False)
    if "section" in params:
        section = SectionPage.objects.filter(slug=slug(params, "section")).first()
        if section is None:
            raise BadParameter("section", "no section with this slug")
        queryset = queryset.descendant_of(section)
    if "type" in params:
        if params["type"] not in ArticleType.values:
            choices = ", ".join(ArticleType.values)
            raise BadParameter("type", f"type must be one of: {choices}")
        queryset = queryset.filter(article_type=params["type"])
    if "writer" in params:
        writer = Author.objects.filter(slug=slug(params, "writer")).first()
        if writer is None:
            raise BadParameter("writer", "no writer with this slug")
        queryset = queryset.filter(authors=writer)
    if "tag" in params:
        tag = slug(params, "tag")
        if not Tag.objects.filter(slug=tag).exists():
            raise BadParameter("tag", "no tag with this slug")
        queryset = queryset.filter(tagged_items__tag__slug=tag)
    since = bound(params, "since", end_of_day=False)
    until = bound(params, "until", end_of_day=True)
    if since and until and since > until:
        raise BadParameter("until", "until is before since")
    if since:
        queryset = queryset.filter(first_published_at__gte=since)
    if until:
        queryset = queryset.filter(first_published_at__lte=until)
    return queryset


def slug(params, name) -> str:
    value = params[name]
    if not SLUG.fullmatch(value):
        raise BadParameter(name, f"{name} must be a slug")
    return value


def bound(params, name, end_of_day) -> datetime.datetime | None:
    """A date (the whole day, in the site's time zone) or a date and time."""
    value = params.get(name)
    if value is None:
        return None
    message = f"{name} must be a date (YYYY-MM-DD) or an ISO 8601 date and time"
    try:
        # A plain date first: parse_datetime would read it as midnight.
        day = parse_date(value)
        if day is not None:
            moment = datetime.datetime.combine(
                day, datetime.time.max if end_of_day else datetime.time.min
            )
        else:
            moment = parse_datetime(value)
        if moment is None:
            raise BadParameter(name, message)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # The database compares in UTC: years 1 and 9999 can fall outside it.
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError) as exc:
        raise BadParameter(name, message) from exc


def parse_limit(value) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadParameter(
            "limit", f"limit must be a whole number from 1 to {MAX_LIMIT}"
        )
    return int(value)


# Cursors: where the previous page ended, opaque to clients.


def encode_cursor(published: datetime.datetime, pk: int) -> str:
    text = f"{published.astimezone(datetime.UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime.datetime, int]:
    try:
        padded = value + "=" * (-len(value) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        published, pk = text.split("|")
        moment = datetime.datetime.fromisoformat(published)
        if moment.tzinfo is None or not PUBLIC_ID.fullmatch(pk):
            raise ValueError(value)
        return moment.astimezone(datetime.UTC), int(pk)
    except (ValueError, OverflowError, UnicodeError, binascii.Error) as exc:
        raise BadParameter("cursor", "not a cursor given by this API") from exc
