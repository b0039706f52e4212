"""The search form: the box's words, plus each filter as a field of its own. A filter given both as a
field and as a word in the box is taken from the field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from search.query import MAX_QUERY_CHARS, MAX_YEAR, MIN_YEAR, parse_query
from search.selectors import NEWEST, RELEVANCE


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"), required=False, max_length=MAX_QUERY_CHARS,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
        help_text=_('Words, "an exact phrase", board:slug, @name, after:2026-01-01, before:2026-02-01, '
                    "in:title, no:replies"))
    board = forms.ChoiceField(label=_("Board"), required=False)
    author = forms.CharField(label=_("Author"), required=False, max_length=150)
    after = forms.DateField(label=_("Posted on or after"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    before = forms.DateField(label=_("Posted before"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    in_title = forms.BooleanField(label=_("Titles only"), required=False)
    no_replies = forms.BooleanField(label=_("Topics with no replies"), required=False)
    order = forms.ChoiceField(label=_("Order"), required=False,
                              choices=[(RELEVANCE, _("Most relevant first")), (NEWEST, _("Newest first"))])

    def __init__(self, *args, boards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [("", _("All boards")), *((b.slug, b.name) for b in boards)]

    def _clean_day(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise forms.ValidationError(_("Choose a date between %(first)d and %(last)d.")
                                        % {"first": MIN_YEAR, "last": MAX_YEAR})
        return day

    def clean_after(self):
        return self._clean_day("after")

    def clean_before(self):
        return self._clean_day("before")

    def clean(self):
        data = super().clean()
        parsed = parse_query(data.get("q") or "")
        for error in parsed.errors:
            self.add_error("q", error)
        data["parsed"] = parsed
        data["board"] = data.get("board") or parsed.board
        data["author"] = (data.get("author") or "").strip().lstrip("@") or parsed.author
        data["after"] = data.get("after") or parsed.after
        data["before"] = data.get("before") or parsed.before
        data["in_title"] = bool(data.get("in_title") or parsed.in_title)
        data["no_replies"] = bool(data.get("no_replies") or parsed.no_replies)
        data["order"] = data.get("order") or RELEVANCE
        return data
