from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "email_verified", "is_global_moderator", "is_staff",
                    "post_count", "date_joined", "last_login"]
    list_filter = ["email_verified", "is_global_moderator", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "email"]
    readonly_fields = ["post_count", "topic_count", "date_joined", "last_login"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Forum"), {"fields": ["email_verified", "is_global_moderator", "timezone", "post_count", "topic_count"]}),
    ]
