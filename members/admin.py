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
    readonly_fields = ["post_count", "topic_count", "date_joined", "last_login"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Forum"), {"fields": ["email_verified", "is_global_moderator", "timezone", "post_count", "topic_count",
                                 "email_notices", "freshness_reminders", "board_freshness_reminders"]}),
    ]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
