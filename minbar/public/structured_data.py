"""schema.org JSON-LD for articles and the home page.

Search engines read the article type, dates, authors, the publisher with its
staff box and the picture from here.  The JSON is escaped so that nothing in
a headline can close the script element it sits in.
"""

import json

from django.utils.safestring import mark_safe

from minbar.newsroom.models import ArticleType

SCHEMA_TYPES = {
    ArticleType.NEWS: "NewsArticle",
    ArticleType.INTERVIEW: "NewsArticle",
    ArticleType.REPORT: "ReportageNewsArticle",
    ArticleType.ANALYSIS: "AnalysisNewsArticle",
    ArticleType.OPINION: "OpinionNewsArticle",
    ArticleType.EDITORIAL: "OpinionNewsArticle",
}


def absolute(root: str, path: str) -> str:
    """An absolute URL on the site's configured address (its Site record), not
    on whatever Host header a request carried."""
    return path if path.startswith("http") else root.rstrip("/") + path


def script(data) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escape)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308  # nosec B308, B703


def image_object(root, image, spec="width-1200", caption=""):
    rendition = image.get_rendition(spec)
    data = {
        "@type": "ImageObject",
        "url": absolute(root, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
    }
    if caption:
        data["caption"] = caption
    return data


def organization(root, publication, staff_lines):
    data = {
        "@type": "NewsMediaOrganization",
        "name": publication.name,
        "url": absolute(root, "/"),
    }
    if publication.logo:
        data["logo"] = image_object(root, publication.logo, "height-192")
    if staff_lines:
        # The staff box: schema.org has no masthead list, but employees with
        # a job title say the same thing.
        data["employee"] = [
            {"@type": "Person", "name": line.person, "jobTitle": line.role}
            for line in staff_lines
        ]
    return data


def article_data(
    root, article, section, publication, staff_lines, authors, agencies, tags
):
    url = absolute(root, f"/{article.public_id}")
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(article.article_type, "NewsArticle"),
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": "ar",
        "isAccessibleForFree": True,
        "articleSection": section.title,
        "datePublished": article.first_published_at.isoformat(),
        "dateModified": (
            article.last_published_at or article.first_published_at
        ).isoformat(),
        "publisher": organization(root, publication, staff_lines),
    }
    if article.summary:
        data["description"] = article.summary
    if article.image:
        data["image"] = [
            image_object(root, article.image, caption=article.image_caption)
        ]
    if authors:
        data["author"] = [
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute(root, author.get_absolute_url()),
            }
            for author in authors
        ]
    else:
        data["author"] = [
            {"@type": "Organization", "name": article.byline or publication.name}
        ]
    if agencies:
        data["sourceOrganization"] = [
            {"@type": "Organization", "name": agency.name} for agency in agencies
        ]
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    return data


def breadcrumb_data(root, article, home_name, sections):
    """The trail to the article: home, ``sections`` (its ancestors below the
    home page, outermost first), the article."""
    items = [(home_name, absolute(root, "/"))]
    for ancestor in sections:
        items.append((ancestor.title, absolute(root, ancestor.url)))
    items.append((article.title, absolute(root, f"/{article.public_id}")))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(items, start=1)
        ],
    }


def website_data(root, publication, staff_lines):
    return [
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": publication.name,
            "url": absolute(root, "/"),
            "inLanguage": "ar",
            "potentialAction": {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": absolute(root, "/search/")
                    + "?q={search_term_string}",
                },
                "query-input": "required name=search_term_string",
            },
        },
        {
            "@context": "https://schema.org",
            **organization(root, publication, staff_lines),
        },
    ]
