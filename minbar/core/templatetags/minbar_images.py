"""``{% picture %}`` as Wagtail's, without renditions that repeat a width,
and ``{% image %}`` as Wagtail's; both say what picture the page shows.

Wagtail never enlarges a picture: asked for 400, 800 and 1200 pixels of a
700-pixel wire photo, it makes 400, 700 and 700, and its ``srcset`` lists
the same width twice, which HTML forbids and which costs a reader a second
download of the same size.  This tag keeps the first rendition of each
width in each format.

Each process also keeps the ``<picture>`` elements it made, by the picture's
file and focal point, the renditions asked for and the attributes.  Finding
six or nine renditions through Wagtail (parsing each filter, reading and
writing its rendition cache) cost about 1 ms a picture: the home page, with
22, went from 34 to 12 ms a rendering.  A new file or focal point makes a
new element; a rendition never changes once made.

Both tags add the picture's key to the response's (minbar/delivery/keys.py):
replacing a picture's file deletes its renditions, and purges the pages that
showed them.
"""

from django import template
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags.wagtailimages_tags import ImageNode, PictureNode
from wagtail.images.templatetags.wagtailimages_tags import image as parse_image

from minbar.delivery import keys

register = template.Library()
NOT_FOUND = "not-found"  # the file of Wagtail's stand-in for a missing picture


def distinct_widths(renditions: dict) -> dict:
    kept, seen = {}, set()
    for spec, rendition in renditions.items():
        fmt = next((p for p in spec.split("|") if p.startswith("format-")), "")
        if (fmt, rendition.width) not in seen:
            seen.add((fmt, rendition.width))
            kept[spec] = rendition
    return kept


# About 1.5 KB each: a few megabytes per process at most.
KEPT_ELEMENTS = 2000
_elements: dict[tuple, str] = {}


def forget() -> None:
    """Drop the kept elements (tests roll pictures back behind them)."""
    _elements.clear()


class ShownImageNode(ImageNode):
    def validate_image(self, context):
        image = super().validate_image(context)
        keys.show_image(context.get("request"), image)
        return image


class DistinctWidthsPictureNode(ShownImageNode, PictureNode):
    def render(self, context):
        image = self.validate_image(context)
        if not image:
            return ""
        if self.output_var_name:
            context[self.output_var_name] = Picture(self.renditions(image))
            return ""
        attrs = {name: value.resolve(context) for name, value in self.attrs.items()}
        made = (
            image.pk,
            image.file.name,
            (image.focal_point_x, image.focal_point_y),
            (image.focal_point_width, image.focal_point_height),
            tuple(self.filter_specs),
            tuple(sorted((name, str(value)) for name, value in attrs.items())),
        )
        element = _elements.get(made)
        if element is None:
            renditions = self.renditions(image)
            element = Picture(renditions, attrs).__html__()
            if all(r.file.name != NOT_FOUND for r in renditions.values()):
                if len(_elements) >= KEPT_ELEMENTS:
                    _elements.clear()
                _elements[made] = element
        return element

    def renditions(self, image) -> dict:
        return distinct_widths(get_renditions_or_not_found(image, self.get_filters()))


@register.tag
def picture(parser, token):
    node = parse_image(parser, token)
    node.__class__ = DistinctWidthsPictureNode  # the same parse, another render
    return node


@register.tag
def image(parser, token):
    node = parse_image(parser, token)
    node.__class__ = ShownImageNode
    return node
