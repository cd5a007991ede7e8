"""The blocks an article body is made of."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(label=_("Said by"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "minbar/newsroom/blocks/quote.html"


class InlineImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Picture caption"), required=False)
    credit = blocks.CharBlock(label=_("Credit"), required=False)
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "minbar/newsroom/blocks/image.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=PARAGRAPH_FEATURES,
        label=_("Paragraphs"),
        template="minbar/newsroom/blocks/paragraph.html",
    )
    heading = blocks.CharBlock(
        label=_("Subheading"),
        icon="title",
        template="minbar/newsroom/blocks/heading.html",
    )
    quote = QuoteBlock()
    image = InlineImageBlock()
    embed = EmbedBlock(
        label=_("Embedded media"),
        help_text=_("A link to a video or a post, shown in place."),
        template="minbar/newsroom/blocks/embed.html",
    )
