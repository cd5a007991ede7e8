"""Structured data and absolute-address tags for the public templates."""

from django import template
from django.utils.translation import gettext as _
from wagtail.models import Site

from minbar.public import structured_data

register = template.Library()


def site_root(request) -> str:
    site = Site.find_for_request(request)
    return site.root_url if site else request.build_absolute_uri("/")


@register.simple_tag(takes_context=True)
def article_structured_data(context):
    request, page = context["request"], context["page"]
    root = site_root(request)
    publication, staff = context["publication"], context["staff_lines"]
    article = structured_data.article_data(
        root, page, context["section"], publication, staff,
        context["authors"], context["agencies"], context["tags"],
    )  # fmt: skip
    breadcrumb = structured_data.breadcrumb_data(
        root, page, _("Home"), context["breadcrumb"]
    )
    return structured_data.script(article) + structured_data.script(breadcrumb)


@register.simple_tag(takes_context=True)
def website_structured_data(context):
    data = structured_data.website_data(
        site_root(context["request"]), context["publication"], context["staff_lines"]
    )
    return structured_data.script(data)


@register.simple_tag(takes_context=True)
def absolute(context, path):
    return structured_data.absolute(site_root(context["request"]), path)
