from django.contrib import admin

from notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "verb", "created_at", "read_at"]
    list_filter = ["kind", "verb", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
