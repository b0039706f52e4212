from django.contrib import admin

from forum.admin import ReadOnlyAdminMixin
from moderation.models import Case, CaseNote, ModerationAction, Report


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    readonly_fields = ["reporter", "reason", "note", "weight", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: cases are handled on the site (/mod/), where every action is logged."""

    list_display = ["id", "kind", "board", "member", "state", "report_count", "weight", "created_at", "resolution"]
    list_filter = ["state", "kind", "is_approval", "board"]
    search_fields = ["member__username", "resolution"]
    list_select_related = ["board", "member"]
    inlines = [ReportInline]


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log is append-only: it can be read and searched here, never changed or deleted."""

    list_display = ["created_at", "actor", "action", "board", "member", "reason"]
    list_filter = ["action", "board"]
    search_fields = ["actor__username", "member__username", "reason"]
    list_select_related = ["actor", "board", "member"]
    date_hierarchy = "created_at"


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "author", "created_at"]
    list_select_related = ["case", "author"]
