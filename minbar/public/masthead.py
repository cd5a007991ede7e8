"""The masthead every public page shows, kept by each app process.

The masthead is the publication's identity (its settings and logo), the
sections' navigation, the staff box and the ticker; an article's breadcrumb
comes from the same list of sections.  Reading it takes six queries, nearly
half of an article page's, and it stays the same on every page until a
change purges ``site``, ``staff``, ``ticker`` or ``pictures`` (keys.py) or a
pinned ticker item expires: each process keeps it (minbar/delivery/kept.py),
one per site.
"""

from dataclasses import dataclass

from django.http.request import split_domain_port
from wagtail.models import Site

from minbar.delivery import keys
from minbar.delivery.kept import kept
from minbar.newsroom.models import SectionPage

from .models import PublicationSettings
from .ticker import TickerEntry, ticker_entries
from .ticker import changes_at as ticker_changes_at

# The logo is a picture: a new file for it is read again.
KEYS = [keys.EVERYTHING, keys.STAFF, keys.TICKER, keys.PICTURES]


@dataclass(frozen=True)
class SectionLink:
    """A live section, as the navigation and an article's breadcrumb show it."""

    pk: int
    title: str
    url: str
    path: str  # its place in the page tree (Wagtail's materialised path)
    depth: int


@dataclass(frozen=True)
class Masthead:
    site: Site | None
    publication: PublicationSettings
    staff_lines: list
    sections: list[SectionLink]  # every live section, in the tree's order
    ticker: list[TickerEntry]

    @property
    def nav_sections(self) -> list[SectionLink]:
        return [section for section in self.sections if section.depth == 3]

    def sections_above(self, page) -> list[SectionLink]:
        """The sections that hold the page, outermost first."""
        return [s for s in self.sections if page.path.startswith(s.path)]


def for_request(request) -> Masthead:
    """The masthead of the request's site."""
    if not hasattr(request, "minbar_masthead"):
        where = (split_domain_port(request._get_raw_host())[0], request.get_port())
        masthead = kept(
            ("masthead", where),
            KEYS,
            lambda: read(request),
            changes_at=lambda masthead: ticker_changes_at(masthead.ticker),
        )
        # Wagtail's own lookups on this request (page URLs) use the same site.
        request._wagtail_site = masthead.site
        request.minbar_masthead = masthead
    return request.minbar_masthead


def read(request) -> Masthead:
    site = Site.find_for_request(request)
    if site is None:
        publication, staff_lines = PublicationSettings(name=""), []
    else:
        # The logo comes with the settings: one query for the identity.
        found = PublicationSettings.objects.select_related("logo").filter(site=site)
        publication = found.first() or PublicationSettings.for_site(site)
        staff_lines = list(publication.staff_lines.all())
    sections = SectionPage.objects.live().order_by("path")
    return Masthead(
        site=site,
        publication=publication,
        staff_lines=staff_lines,
        sections=[
            SectionLink(s.pk, s.title, s.get_url(request), s.path, s.depth)
            for s in sections
        ],
        ticker=ticker_entries(size=publication.ticker_size or 0),
    )
