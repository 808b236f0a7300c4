from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from .texts import PAGES, load


@login_not_required
def page(request: HttpRequest, page: str) -> HttpResponse:
    text = load(page, translation.get_language() or "de")
    if text is None:
        # Production never gets here: the start-up check refuses missing texts.
        raise Http404
    return render(request, "legal/page.html", {"title": PAGES[page], "text": text})
