"""JSON for the public API that is safe even where it is taken for HTML."""

from django.core.serializers.json import DjangoJSONEncoder

# These characters only ever stand inside JSON strings, where the \u escapes
# mean the same: the parsed document is unchanged, but no "<script" or
# "</title>" typed into a headline or a query appears in the bytes a browser
# or a cache might sniff as HTML.
HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


class HtmlSafeJSONEncoder(DjangoJSONEncoder):
    def encode(self, o: object) -> str:
        return super().encode(o).translate(HTML_ESCAPES)
