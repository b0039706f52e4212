"""Admin pages for the decisions the standing app owns: moderator proposals and appointments. Both go
through the same services as the site's pages (recorded in the rank history, logged, told to the member)."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from boards.models import BoardModerator
from members.models import PromotionProposal
from standing.promotions import (
    appoint_moderator,
    approve_proposal,
    decline_proposal,
    promotable_refusal,
    remove_moderator,
)


@admin.register(PromotionProposal)
class PromotionProposalAdmin(admin.ModelAdmin):
    """Decided on /promotions/ (one click, with the numbers); these actions do the same."""

    list_display = ["created_at", "member", "board", "status", "decided_by", "is_automatic"]
    list_filter = ["status", "board"]
    search_fields = ["member__username"]
    list_select_related = ["member", "board", "decided_by"]
    readonly_fields = ["member", "board", "status", "numbers", "created_at", "decided_by", "decided_at",
                       "is_automatic"]
    actions = ["approve", "decline"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Approve the selected proposals"))
    def approve(self, request, queryset):
        self._decide(request, queryset, lambda p: approve_proposal(proposal=p, actor=request.user))

    @admin.action(description=_("Decline the selected proposals"))
    def decline(self, request, queryset):
        self._decide(request, queryset, lambda p: decline_proposal(proposal=p, actor=request.user))

    def _decide(self, request, queryset, decide):
        for proposal in queryset:
            try:
                decide(proposal)
            except ValidationError as exc:
                self.message_user(request, f"{proposal}: {' '.join(exc.messages)}", messages.ERROR)


class BoardModeratorForm(forms.ModelForm):
    class Meta:
        model = BoardModerator
        fields = ["board", "member", "reason"]

    def clean(self):
        data = super().clean()
        member = data.get("member")
        if self.instance.pk is None and member is not None:
            refusal = promotable_refusal(member)
            if refusal:
                raise forms.ValidationError(refusal)
            if BoardModerator.objects.filter(board=data.get("board"), member=member).exists():
                raise forms.ValidationError(_("This member already moderates this board."))
        if not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why, for the member's history."))
        return data


@admin.register(BoardModerator)
class BoardModeratorAdmin(admin.ModelAdmin):
    """Appointments made here are logged, like those made from a member's profile."""

    list_display = ["member", "board", "granted_by", "granted_at", "is_automatic"]
    list_filter = ["board", "is_automatic"]
    search_fields = ["member__username", "board__name", "reason"]
    list_select_related = ["member", "board", "granted_by"]
    raw_id_fields = ["member", "granted_by"]
    form = BoardModeratorForm
    readonly_fields = ["granted_by", "granted_at", "is_automatic"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "member", "board"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """An appointment made here goes through the same service as one made on a profile: recorded in the
        member's rank history and the moderation log, and told to the member."""
        if change:
            super().save_model(request, obj, form, change)  # only the reason can change
            return
        appointment = appoint_moderator(member=obj.member, board=obj.board, actor=request.user, reason=obj.reason)
        obj.pk = appointment.pk

    def delete_model(self, request, obj):
        remove_moderator(member=obj.member, board=obj.board, actor=request.user, reason="removed in the admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("board", "member"):
            self.delete_model(request, obj)
