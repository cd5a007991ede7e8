"""The blocks an article body is made of."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from .html_body import clean_rich_text

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class CleanRichTextBlock(blocks.RichTextBlock):
    """Rich text kept to the body allowlist whatever wrote it: the editor, an
    importer, a script or a migration.  Cleaned as it is stored and again as it
    is read, so that rows written before the allowlist cannot carry a script
    to the page, the feeds or the API."""

    def to_python(self, value):
        return super().to_python(clean_rich_text(value or ""))

    def normalize(self, value):
        source = value.source if isinstance(value, RichText) else value
        return super().normalize(clean_rich_text(str(source or "")))

    def get_prep_value(self, value):
        return clean_rich_text(super().get_prep_value(value) or "")

    def deconstruct(self):
        # Stored exactly as a RichTextBlock: migrations see no change, and
        # historical models in data migrations need not import this module.
        _path, args, kwargs = super().deconstruct()
        return "wagtail.blocks.RichTextBlock", args, kwargs


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
    paragraph = CleanRichTextBlock(
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
