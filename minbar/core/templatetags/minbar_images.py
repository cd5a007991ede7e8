"""``{% picture %}`` as Wagtail's, without renditions that repeat a width.

Wagtail never enlarges a picture: asked for 400, 800 and 1200 pixels of a
700-pixel wire photo, it makes 400, 700 and 700, and its ``srcset`` lists
the same width twice, which HTML forbids and which costs a reader a second
download of the same size.  This tag keeps the first rendition of each
width in each format.  Load it after ``wagtailimages_tags``.
"""

from django import template
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags.wagtailimages_tags import PictureNode
from wagtail.images.templatetags.wagtailimages_tags import image as parse_image

register = template.Library()


def distinct_widths(renditions: dict) -> dict:
    kept, seen = {}, set()
    for spec, rendition in renditions.items():
        fmt = next((p for p in spec.split("|") if p.startswith("format-")), "")
        if (fmt, rendition.width) not in seen:
            seen.add((fmt, rendition.width))
            kept[spec] = rendition
    return kept


class DistinctWidthsPictureNode(PictureNode):
    def render(self, context):
        image = self.validate_image(context)
        if not image:
            return ""
        renditions = get_renditions_or_not_found(image, self.get_filters())
        renditions = distinct_widths(renditions)
        if self.output_var_name:
            context[self.output_var_name] = Picture(renditions)
            return ""
        attrs = {name: value.resolve(context) for name, value in self.attrs.items()}
        return Picture(renditions, attrs).__html__()


@register.tag
def picture(parser, token):
    node = parse_image(parser, token)
    node.__class__ = DistinctWidthsPictureNode  # the same parse, another render
    return node
