from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from boards import services
from boards.models import Board, Post, PostRevision, Topic


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_archived", "topic_count", "post_count"]
    list_editable = ["position", "is_archived"]
    list_filter = ["is_archived"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["topic_count", "post_count", "created_at"]
    fields = ["name", "slug", "description", "rules", "position", "is_archived",
              "topic_count", "post_count", "created_at"]
    actions = ["archive", "unarchive"]

    def save_model(self, request, obj, form, change):
        services.board_render_rules(board=obj)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Archive the selected boards"))
    def archive(self, request, queryset):
        queryset.update(is_archived=True)

    @admin.action(description=_("Reopen the selected boards"))
    def unarchive(self, request, queryset):
        queryset.update(is_archived=False)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "author", "post_count", "is_pinned", "is_locked", "is_hidden", "last_post_at"]
    list_filter = ["board", "is_pinned", "is_locked", "is_hidden"]
    search_fields = ["title", "author__username"]
    list_select_related = ["board", "author"]
    raw_id_fields = ["author"]
    readonly_fields = ["post_count", "created_at", "last_post_at", "slug"]
    fields = ["board", "title", "slug", "author", "is_pinned", "is_locked", "is_hidden",
              "post_count", "created_at", "last_post_at"]
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
    readonly_fields = ["topic", "author", "position", "created_at", "edited_at", "edit_count", "body"]
    fields = ["topic", "author", "position", "body", "created_at", "edited_at", "edit_count",
              "is_hidden", "hidden_reason"]
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
