"""The home page's front: what the editors curated, filled in with the newest.

The filling looks only at the stories of the last RECENT before the newest
one.  Asked for "the four newest non-opinion stories of the opinion
section", PostgreSQL walks the whole archive by date and finds none: 2.5 s
at 1,000,000 articles.  A front shows news; a section with nothing in a
month is left off it.
"""

import datetime
from dataclasses import dataclass, field

from minbar.newsroom.models import COLUMN_TYPES, ArticlePage, SectionPage


@dataclass
class Front:
    lead: ArticlePage | None = None
    top: list = field(default_factory=list)
    blocks: list = field(default_factory=list)  # (section, [articles])
    latest: list = field(default_factory=list)
    columns: list = field(default_factory=list)


RECENT = datetime.timedelta(days=30)


def build_front(home, top_count, block_count, latest_count):
    everything = ArticlePage.objects.teasers().descendant_of(home)
    front = Front()
    front.latest = list(everything[:latest_count])
    if not front.latest:
        return front
    since = front.latest[0].first_published_at - RECENT
    listing = everything.filter(first_published_at__gte=since)

    front.lead = (
        home.lead_story if home.lead_story_id and home.lead_story.live else None
    )
    if front.lead is None:
        front.lead = listing.filter(image__isnull=False).first() or listing.first()
    shown = {front.lead.pk} if front.lead else set()

    curated = [
        item.article
        for item in home.top_stories.select_related("article", "article__image")
        if item.article.live
    ]
    front.top = curated or list(
        listing.exclude(article_type__in=COLUMN_TYPES).exclude(pk__in=shown)[:top_count]
    )
    shown.update(article.pk for article in front.top)

    sections = [
        block.section for block in home.section_blocks.select_related("section")
    ]
    if not sections:
        sections = list(
            SectionPage.objects.live().child_of(home).filter(show_on_home=True)
        )
    for section in sections:
        if section.live:
            articles = list(
                listing.descendant_of(section)
                .exclude(article_type__in=COLUMN_TYPES)
                .exclude(pk__in=shown)[:block_count]
            )
            if articles:
                front.blocks.append((section, articles))

    front.columns = list(
        listing.filter(article_type__in=COLUMN_TYPES).prefetch_related(
            "authors__photo"
        )[:6]
    )
    return front
