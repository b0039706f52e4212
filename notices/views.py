from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forum.numbers import parse_id
from forum.pagination import NotAPage
from notices import selectors, services
from notices.emails import read_unsubscribe_token


@login_required
@require_GET
def notice_list(request):
    """Newest first; ?older=KEY and ?newer=KEY (the Older and Newer links) step from the page before. A cursor
    that is not one, or leads nowhere, and an old ?page=N link answer with the first page."""
    if "page" in request.GET:
        return redirect("notices:notice_list")
    try:
        page = selectors.notices_page(member=request.user, older=request.GET.get("older"),
                                      newer=request.GET.get("newer"))
    except NotAPage:
        return redirect("notices:notice_list")
    return render(request, "notices/notice_list.html", {
        "notices": page.rows,
        "newer_url": f"?newer={page.previous_cursor}" if page.previous_cursor else None,
        "older_url": f"?older={page.next_cursor}" if page.next_cursor else None,
    })


@login_required
@require_POST
def notices_read(request):
    services.notices_mark_read(user=request.user)
    return redirect("notices:notice_list")


@login_required
@require_POST
def notice_read(request, notice_id):
    """Mark one read and go where it points (its own page when it points nowhere)."""
    notice = selectors.own_notice(member=request.user, notice_id=parse_id(notice_id))
    if notice is None:
        raise Http404(_("No such notice."))
    services.notice_mark_read(user=request.user, notice_id=notice.pk)
    return redirect(notice.url if notice.url.startswith("/") else "notices:notice_list")


@csrf_exempt  # the signed token is the proof; mail clients POST it with no session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: say what the link turns off, and ask; POST (a mail client's one click, or the button): do it."""
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404(_("This link is not valid (it may have been cut short by your email program)."))
    member_id, kind = found
    done = request.method == "POST"
    if done:
        services.unsubscribe(member_id=member_id, kind=kind)
    return render(request, "notices/unsubscribe.html", {"kind_label": selectors.kind_label(kind), "done": done})
