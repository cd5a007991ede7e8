"""Feeds, sitemaps and robots.txt, at the site's root."""

from django.urls import path, re_path

from . import views
from .feeds import (
    ArticleFeed,
    MinbarAtomFeed,
    MinbarRssFeed,
    SectionFeed,
    TagFeed,
    WriterFeed,
)

app_name = "syndication"

FEEDS = [
    ("", "site", ArticleFeed),
    ("section/<path:path>/", "section", SectionFeed),
    ("writer/<str:slug>/", "writer", WriterFeed),
    ("tag/<str:slug>/", "tag", TagFeed),
]

urlpatterns = [
    path(f"feed/{route}", views.feed_view(feed, MinbarRssFeed), name=f"{name}_rss")
    for route, name, feed in FEEDS
] + [
    path(
        f"feed/atom/{route}", views.feed_view(feed, MinbarAtomFeed), name=f"{name}_atom"
    )
    for route, name, feed in FEEDS
]

urlpatterns += [
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("sitemap-pages.xml", views.sitemap_pages, name="sitemap_pages"),
    path("sitemap-news.xml", views.sitemap_news, name="sitemap_news"),
    re_path(
        r"^sitemap-(?P<year>[0-9]{4})-(?P<month>[0-9]{2})(?:-(?P<part>[0-9]+))?\.xml$",
        views.sitemap_month,
        name="sitemap_month",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
