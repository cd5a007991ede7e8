"""Views outside the page tree: numeric article addresses and error pages."""

from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from wagtail import hooks

from minbar.newsroom.models import ArticlePage


def article(request, public_id):
    """Serve an article at its one canonical address, /<public id>."""
    try:
        page = (
            ArticlePage.objects.live().select_related("image").get(public_id=public_id)
        )
    except ArticlePage.DoesNotExist as exc:
        raise Http404 from exc
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, (), {})
        if result is not None:
            return result
    return page.serve(request)


def article_with_slash(request, public_id):
    return HttpResponsePermanentRedirect(f"/{public_id}")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Keep the error page independent of the database: it may be the cause.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))
