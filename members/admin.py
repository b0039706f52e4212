from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from forum.admin import ReadOnlyAdminMixin
from members.models import (
    BlockedSignupCount,
    DisposableEmailDomain,
    InviteCode,
    Rank,
    RankChange,
    SignupQuestion,
    SignupRecord,
    SiteSettings,
    User,
)
from members.signals import member_standing_changed


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "email_verified", "is_global_moderator", "is_staff",
                    "post_count", "date_joined", "last_login"]
    list_filter = ["email_verified", "join_status", "is_global_moderator", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "email"]
    readonly_fields = ["post_count", "topic_count", "date_joined", "last_login", "warning_count", "upheld_reports"]
    MODERATION_FIELDS = ["is_global_moderator", "is_banned", "suspended_until", "is_active", "is_superuser",
                         "rank", "rank_locked", "join_status"]

    def save_model(self, request, obj, form, change):
        """Changes to a member's powers or standing made here are logged like those made on the site."""
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name in self.MODERATION_FIELDS]
        if change and changed:
            member_standing_changed.send(sender=User, member=obj, actor=request.user, changed=changed,
                                         after="\n".join(f"{name}: {getattr(obj, name)}" for name in changed))

    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Forum"), {"fields": ["email_verified", "is_global_moderator", "timezone", "post_count", "topic_count",
                                 "email_notices", "freshness_reminders", "board_freshness_reminders"]}),
        (_("Standing"), {"fields": ["rank", "rank_locked", "join_status", "is_banned", "suspended_until",
                                    "warning_count", "upheld_reports"]}),
    ]


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    """The ladder. The nightly recompute applies changes; members see them on their standing page."""

    list_display = ["order", "name", "badge_colour", "window_days", "min_days_visited", "min_posts",
                    "min_likes_received", "approval_posts", "grants_moderation"]
    list_display_links = ["name"]
    ordering = ["order"]
    fieldsets = [
        (None, {"fields": ["name", "order", "badge_colour", "description"]}),
        (_("Takes"), {"fields": ["window_days", "min_days_visited", "min_posts", "min_topics_replied",
                                 "min_topics_entered", "min_posts_read", "min_likes_received", "min_distinct_likers",
                                 "min_likes_given", "min_featured", "max_upheld_reports", "requires_clean_record"]}),
        (_("Allows"), {"fields": ["approval_posts", "max_links", "max_images", "posts_per_minute", "report_weight",
                                  "can_retitle_and_move", "grants_moderation", "invites_per_month"]}),
    ]


@admin.register(RankChange)
class RankChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "member", "kind", "from_rank", "to_rank", "board", "actor"]
    list_filter = ["kind"]
    search_fields = ["member__username", "reason"]
    list_select_related = ["member", "from_rank", "to_rank", "board", "actor"]


@admin.register(DisposableEmailDomain)
class DisposableEmailDomainAdmin(admin.ModelAdmin):
    search_fields = ["domain"]


@admin.register(SignupRecord)
class SignupRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["member", "ip", "created_at", "held_reason"]
    search_fields = ["member__username", "ip"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """How people join (加入门槛): one row. Changing the mode changes no existing account: those waiting
    for approval keep waiting."""

    list_display = ["__str__", "registration_mode", "invite_expiry_days", "ask_question"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignupQuestion)
class SignupQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["question", "answers"]


@admin.register(InviteCode)
class InviteCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Members make codes on their invites page; here admins see them all (read-only)."""

    list_display = ["created_by", "created_at", "expires_at", "used_by", "used_at"]
    search_fields = ["created_by__username", "used_by__username"]
    list_select_related = ["created_by", "used_by"]
    exclude = ["code"]  # a working code is a key to the forum: not shown to whoever opens the admin


@admin.register(BlockedSignupCount)
class BlockedSignupCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "count"]
