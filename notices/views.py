from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notices import selectors, services


@login_required
@require_GET
def notice_list(request):
    return render(request, "notices/notice_list.html", {"notices": selectors.notices_for(member=request.user)})


@login_required
@require_POST
def notices_read(request):
    services.notices_mark_read(user=request.user)
    return redirect("notices:notice_list")
