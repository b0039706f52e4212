from allauth.account.forms import LoginForm as BaseLoginForm
from allauth.account.forms import SignupForm as BaseSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from members import joining, signup
from members.models import RegistrationMode, User, timezone_choices
from members.permissions import is_moderator_anywhere
from wordfilter.services import screen


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, required=False,
                                 help_text=_("Times on the site are shown in this zone."))

    class Meta:
        model = User
        fields = ["timezone", "email_notices", "freshness_reminders", "board_freshness_reminders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance
        if not user.is_superuser:
            del self.fields["freshness_reminders"]
        if not is_moderator_anywhere(user):
            del self.fields["board_freshness_reminders"]


class LoginForm(BaseLoginForm):
    """allauth's login form, with a label that says what the field takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
        self.fields["login"].widget.attrs["placeholder"] = _("Username or email")


class SignupForm(BaseSignupForm):
    """allauth's signup form with the bot checks of members.signup: a honeypot people never see (site.css
    moves it off screen; its label tells screen-reader users to leave it empty) and a signed time stamp.
    And the join gate (members.joining), as the admin set it: an invite code, the reason for joining
    (checked by the word filter), and the signup question, carried as a signed token."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        gate = joining.site_settings()
        self.mode = gate.registration_mode
        self.invite = None
        self.reason_held_terms: list[str] = []
        if self.mode == RegistrationMode.INVITE:
            self.fields["invite_code"] = forms.CharField(
                label=_("Invite code"), max_length=40,
                help_text=_("Joining is by invitation: a member gives you a code."),
                error_messages={"required": _("Enter the invite code a member gave you.")})
        if self.mode == RegistrationMode.APPROVAL:
            self.fields["join_reason"] = forms.CharField(
                label=_("Why do you want to join?"), max_length=joining.REASON_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("A moderator reads this before your account may post (at least %(count)d characters).")
                % {"count": joining.REASON_MIN_CHARS},
                error_messages={"required": _("Tell us why you want to join."),
                                "max_length": _("Keep it under %(limit_value)d characters.")})
        self.question = None
        self.question_replaced = False
        if gate.ask_question:
            self._ask_question()
        self.fields[signup.HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"), required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
        self.fields[signup.TOKEN_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput,
                                                          initial=signup.make_token)
        if "invite_code" in self.fields:  # the code first: without it, the rest is in vain
            self.fields = {"invite_code": self.fields.pop("invite_code"), **self.fields}

    def _ask_question(self) -> None:
        """The question shown, from the signed token the form came back with; a new one, at random, for a
        new form or a token that is missing, forged or too old (then the answer is asked again)."""
        if self.is_bound:
            self.question = joining.question_from_token(self.data.get(joining.QUESTION_TOKEN_FIELD, ""))
        if self.question is None:
            self.question = joining.pick_question()
            if self.question is None:
                return
            if self.is_bound:
                self.question_replaced = True
                self.data = self.data.copy()
                self.data[joining.QUESTION_TOKEN_FIELD] = joining.question_token(self.question)
        self.fields["answer"] = forms.CharField(label=self.question.question, max_length=300,
                                                error_messages={"required": _("Answer the question.")})
        self.fields[joining.QUESTION_TOKEN_FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=joining.question_token(self.question))

    def clean_invite_code(self):
        code = self.cleaned_data["invite_code"].strip()
        invite = joining.find_invite(code)
        problem = joining.invite_problem(invite)
        if problem:
            raise ValidationError(problem)
        self.invite = invite
        return code

    def clean_join_reason(self):
        reason = self.cleaned_data["join_reason"].strip()
        if len(reason) < joining.REASON_MIN_CHARS:
            raise ValidationError(_("Tell us a little more: at least %(count)d characters.")
                                  % {"count": joining.REASON_MIN_CHARS})
        try:  # the word filter (词语过滤), as for posts: "block" refuses, "replace" replaces
            screened = screen({"reason": reason}, rank_order=None)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["reason"]) from None
        self.reason_held_terms = screened.held_terms  # "hold": the moderator is shown the terms
        return screened.texts["reason"]

    def clean_answer(self):
        answer = self.cleaned_data["answer"]
        if self.question_replaced:
            raise ValidationError(_("Please answer this question."))
        if not joining.answer_matches(self.question, answer):
            raise ValidationError(_("That is not the answer we were looking for. Try again."))
        return answer.strip()

    @property
    def admission(self) -> joining.Admission:
        """What the gate learned, for the adapter's save_user (members.services.signup_admit)."""
        return joining.Admission(mode=self.mode, invite=self.invite,
                                 reason=self.cleaned_data.get("join_reason", ""), held_terms=self.reason_held_terms,
                                 question=self.question.question if self.question else "",
                                 answer=self.cleaned_data.get("answer", ""))

    def try_save(self, request):
        """The account, its invite code and its case in one transaction: a code taken meanwhile
        (members.services.InviteUnavailable) leaves nothing behind."""
        with transaction.atomic():
            return super().try_save(request)
