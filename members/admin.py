from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import Notice, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "email_verified", "is_global_moderator", "is_staff",
                    "post_count", "date_joined", "last_login"]
    list_filter = ["email_verified", "is_global_moderator", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "email"]
    readonly_fields = ["post_count", "topic_count", "date_joined", "last_login", "warning_count", "upheld_reports"]
    MODERATION_FIELDS = ["is_global_moderator", "is_banned", "suspended_until", "is_active", "is_superuser",
                         "rank", "rank_locked"]

    def save_model(self, request, obj, form, change):
        """Changes to a member's powers or standing made here are logged like those made on the site."""
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name in self.MODERATION_FIELDS]
        if change and changed:
            from moderation.services import log

            log(actor=request.user, action="set_standing", member=obj,
                reason="changed in the admin: " + ", ".join(changed),
                after="\n".join(f"{name}: {getattr(obj, name)}" for name in changed))

    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Forum"), {"fields": ["email_verified", "is_global_moderator", "timezone", "post_count", "topic_count",
                                 "email_notices", "freshness_reminders", "board_freshness_reminders"]}),
        (_("Standing"), {"fields": ["rank", "rank_locked", "is_banned", "suspended_until", "warning_count",
                                    "upheld_reports"]}),
    ]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
