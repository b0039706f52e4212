from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards.models import BoardModerator
from boards.selectors import member_recent_posts
from members import services
from members.forms import PreferencesForm
from members.models import User


@require_GET
def profile(request, username):
    member = get_object_or_404(User.objects.select_related("rank"), username=username, is_active=True)
    posts = member_recent_posts(member=member)
    for post in posts:
        post.permalink = post.get_absolute_url()
    context = {"member": member, "recent_posts": posts,
               "moderates": BoardModerator.objects.filter(member=member).select_related("board").order_by(
                   "board__position")}
    if request.user.is_authenticated and request.user.is_superuser:
        from members.views_ranks import AppointForm

        context["appoint_form"] = AppointForm()
    return render(request, "members/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings were saved."))
        return redirect("members:preferences")
    return render(request, "members/preferences.html", {"form": form})


@login_required
@require_GET
def notices(request):
    items = request.user.notices.order_by("-created_at", "-id")[:50]
    return render(request, "members/notices.html", {"notices": items})


@login_required
@require_POST
def notices_read(request):
    services.notices_mark_read(user=request.user)
    return redirect("members:notices")
