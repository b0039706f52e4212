from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from boards import services
from boards.models import AllowedLinkDomain, Board, FreshnessReminder, Post, PostRevision, ScheduledTopic, Topic


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_archived", "view_rank", "topic_count", "post_count"]
    list_editable = ["position", "is_archived"]
    list_filter = ["is_archived", "view_rank"]
    list_select_related = ["view_rank"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["topic_count", "post_count", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "rules", "position", "is_archived"]}),
        (_("Boards by rank"), {
            "fields": ["view_rank", "start_rank", "reply_rank", "refusal_message"],
            "description": _("The lowest rank that reads the board, starts topics in it and replies in it. Members "
                             "below the rank to read do not see the board at all; visitors have no rank. The "
                             "board's moderators, global moderators and admins always pass.")}),
        (_("Freshness"), {"fields": ["quiet_topic_days", "quiet_post_days", "reminders_snoozed_until"]}),
        (_("Counters"), {"fields": ["topic_count", "post_count", "created_at"]}),
    ]
    actions = ["archive", "unarchive"]

    def save_model(self, request, obj, form, change):
        services.board_render_rules(board=obj)
        obj.version += 1  # what visitors see of the board changed (its ranks too: cached lists go stale)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Archive the selected boards"))
    def archive(self, request, queryset):
        queryset.update(is_archived=True, version=F("version") + 1)

    @admin.action(description=_("Reopen the selected boards"))
    def unarchive(self, request, queryset):
        queryset.update(is_archived=False, version=F("version") + 1)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "author", "post_count", "is_pinned", "is_locked", "is_hidden", "last_post_at"]
    list_filter = ["board", "is_pinned", "pin_scope", "is_locked", "is_hidden"]
    search_fields = ["title", "author__username"]
    list_select_related = ["board", "author"]
    raw_id_fields = ["author"]
    # Moving, pinning, locking and hiding happen on the site, where they are logged and counters follow.
    readonly_fields = ["board", "title", "slug", "author", "is_pinned", "pin_scope", "is_locked", "is_hidden",
                       "post_count", "created_at", "last_post_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False
    date_hierarchy = "created_at"
    show_full_result_count = False


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    can_delete = False
    readonly_fields = ["editor", "created_at", "body"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "author", "position", "created_at", "edit_count", "is_hidden"]
    list_filter = ["is_hidden", "topic__board"]
    search_fields = ["body", "author__username", "topic__title"]
    list_select_related = ["topic", "author"]
    raw_id_fields = ["topic", "author", "reply_to"]
    # Hiding, deleting and restoring happen on the site, where they are logged.
    readonly_fields = ["topic", "author", "position", "body", "created_at", "edited_at", "edit_count",
                       "is_hidden", "hidden_reason", "is_awaiting_approval", "deleted_at", "like_count"]
    fields = readonly_fields
    inlines = [PostRevisionInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # posts are written on the site, where counters stay right


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    list_display = ["post", "editor", "created_at"]
    search_fields = ["body", "editor__username"]
    list_select_related = ["post", "editor"]
    raw_id_fields = ["post", "editor"]
    readonly_fields = ["post", "editor", "created_at", "body"]

    def has_add_permission(self, request):
        return False


@admin.register(ScheduledTopic)
class ScheduledTopicAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "author", "publish_at", "published_at", "last_error"]
    list_filter = ["board", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body"]
    list_select_related = ["board", "author"]
    raw_id_fields = ["author"]
    readonly_fields = ["published_topic", "published_at", "created_at", "updated_at"]


@admin.register(FreshnessReminder)
class FreshnessReminderAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "emailed_at", "created_at"]
    list_filter = ["day"]
    search_fields = ["recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "day", "boards", "report", "created_at", "emailed_at"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AllowedLinkDomain)
class AllowedLinkDomainAdmin(admin.ModelAdmin):
    search_fields = ["domain"]
