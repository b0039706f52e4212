"""/search/: the form, and a page of results when there is something to search for."""
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from forum import ratelimit
from forum.numbers import parse_int
from search import selectors
from search.forms import SearchForm
from search.presenters import present_results


@require_GET
def search(request):
    boards = selectors.board_choices(viewer=request.user)
    form = SearchForm(request.GET or None, boards=boards)
    context = {"form": form, "searched": False, "results": [], "problems": []}
    if form.is_bound and form.is_valid():
        criteria, problems = selectors.criteria_for(form.cleaned_data, boards=boards)
        page = parse_int(request.GET.get("page") or "1", minimum=1, maximum=selectors.MAX_PAGES)
        if page is None:
            problems.append(_("Results go up to page %(last)d.") % {"last": selectors.MAX_PAGES})
        if not criteria.is_empty and not problems:
            if not ratelimit.allow(request, "search", member=False):
                return render(request, "429.html", status=429)
            try:
                found = selectors.search_page(criteria, viewer=request.user, page=page)
            except selectors.SearchTooSlow:
                problems.append(_("That search took too long. Try fewer or more specific words, or a filter."))
            else:
                context.update(searched=True, page=found,
                               results=present_results(found.posts, form.cleaned_data["parsed"].highlights),
                               previous_url=_page_url(request, page - 1), next_url=_page_url(request, page + 1))
        elif criteria.is_empty and form.cleaned_data["q"]:
            problems.append(_("Type a word to search for: punctuation alone finds nothing."))
        context["problems"] = problems
    return render(request, "search/search.html", context)


def _page_url(request, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    if number <= 1:
        params.pop("page")
    return f"?{params.urlencode()}"
