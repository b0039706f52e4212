from django import forms
from django.utils.translation import gettext_lazy

from boards.models import Board


class AppointForm(forms.Form):
    board = forms.ModelChoiceField(label=gettext_lazy("Board"), queryset=Board.objects.none(), empty_label=None)
    reason = forms.CharField(label=gettext_lazy("Why"), max_length=300,
                             error_messages={"required": gettext_lazy("Say why, for the member's history.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.order_by("position", "id")
