from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wordfilter import services
from wordfilter.models import FilterSettings, Term


class ImportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Terms, one a line"), widget=forms.Textarea(attrs={"rows": 20, "cols": 60}),
        help_text=gettext_lazy("“term” replaces with **, “term=text” replaces with text, “term={BLOCK}” blocks, "
                               "“term={HOLD}” holds for a moderator. Lines starting with # are skipped."))


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["term", "action", "replacement", "updated_at"]
    list_filter = ["action"]
    search_fields = ["term"]
    change_list_template = "admin/wordfilter/term_change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="wordfilter_term_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="wordfilter_term_export"),
        ] + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = ImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                added, updated = services.import_text(form.cleaned_data["text"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("text", message)
            else:
                messages.success(request, _("%(added)d terms added, %(updated)d updated.")
                                 % {"added": added, "updated": updated})
                return redirect(reverse("admin:wordfilter_term_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Import filtered terms")}
        return TemplateResponse(request, "admin/wordfilter/import.html", context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        response = HttpResponse(services.export_text(), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="wordfilter.txt"'
        return response


@admin.register(FilterSettings)
class FilterSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "hold_exempt_rank"]

    def has_add_permission(self, request):
        return not FilterSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
