"""The join gate (加入门槛): registration open, by invite, by approval or closed, as the admin sets it in the
site settings; invite codes and their quota; the reason for joining (and the word filter on it); the signup
question and how its answers compare; and switching modes, which changes no account."""
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from boards.models import Topic
from members import joining, services
from members.models import InviteCode, JoinStatus, RegistrationMode, SignupQuestion, SignupRecord, SiteSettings, User
from members.permissions import write_refusal
from moderation.models import Case
from tests.factories import UserFactory, rank_at
from tests.helpers import html, human_signup_fields, page

pytestmark = pytest.mark.django_db

PASSWORD = "rising-crumb-4827"
REASON = "I bake sourdough every weekend and want to learn more."


def set_mode(mode: str, **values) -> SiteSettings:
    return services.site_settings_update(registration_mode=mode, **values)


def signup(client, username="breadhead", email=None, **fields):
    data = {"username": username, "email": email or f"{username}@example.com", "password1": PASSWORD,
            "password2": PASSWORD, **human_signup_fields()}
    data.update(fields)
    return client.post("/accounts/signup/", data, REMOTE_ADDR="203.0.113.7")


def errors_in(response) -> str:
    """The form's error lists, as text."""
    return " ".join(re.sub(r"<[^>]+>", " ", block) for block in
                    re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page(response), re.S))


def make_invite(by=None, **values) -> InviteCode:
    invite = services.invite_create(member=by or UserFactory(username="root", is_superuser=True, is_staff=True))
    if values:
        InviteCode.objects.filter(pk=invite.pk).update(**values)
        invite.refresh_from_db()
    return invite


# --- the settings row ---------------------------------------------------------------------------------------


def test_registration_is_open_by_default_and_the_admin_edits_one_settings_row(admin_client):
    assert joining.registration_mode() == RegistrationMode.OPEN  # the migration's row
    SiteSettings.objects.all().delete()
    assert joining.registration_mode() == RegistrationMode.OPEN  # and without any row
    assert not SiteSettings.objects.exists()  # reading it wrote nothing
    response = admin_client.get("/admin/members/sitesettings/add/")
    assert response.status_code == 200
    response = admin_client.post("/admin/members/sitesettings/add/", {
        "registration_mode": "approval", "invite_expiry_days": "7"})
    assert response.status_code == 302
    row = SiteSettings.objects.get()
    assert (row.pk, row.registration_mode, row.invite_expiry_days) == (1, "approval", 7)
    assert admin_client.get("/admin/members/sitesettings/add/").status_code == 403  # one row only
    response = admin_client.post("/admin/members/sitesettings/1/change/", {
        "registration_mode": "closed", "invite_expiry_days": "7"})
    assert response.status_code == 302
    assert joining.registration_mode() == RegistrationMode.CLOSED


def test_the_admin_refuses_an_unknown_mode_and_a_silly_expiry(admin_client):
    SiteSettings.objects.get_or_create(pk=1)  # the migration's row (a flushing test before this one removes it)
    response = admin_client.post("/admin/members/sitesettings/1/change/", {
        "registration_mode": "everyone", "invite_expiry_days": "0"})
    assert response.status_code == 200
    assert joining.registration_mode() == RegistrationMode.OPEN


# --- open -----------------------------------------------------------------------------------------------------


def test_open_registration_lets_anyone_in_at_once(client):
    body = page(client.get("/accounts/signup/"))
    assert 'name="username"' in body
    assert 'name="invite_code"' not in body and 'name="join_reason"' not in body and 'name="answer"' not in body
    assert signup(client).status_code == 302
    user = User.objects.get(username="breadhead")
    assert user.join_status == JoinStatus.APPROVED
    assert not Case.objects.filter(member=user).exists()


# --- closed ---------------------------------------------------------------------------------------------------


def test_closed_registration_says_so_without_a_form_and_refuses_a_post(client):
    set_mode(RegistrationMode.CLOSED)
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Registration is closed" in page(response)
    assert 'name="username"' not in html(response) and 'name="password1"' not in html(response)
    response = signup(client)
    assert response.status_code == 403
    assert "Registration is closed" in page(response)
    assert not User.objects.filter(username="breadhead").exists()


def test_closed_registration_refuses_what_a_bot_sends_too(client):
    set_mode(RegistrationMode.CLOSED)
    assert signup(client, website="http://spam.example").status_code == 403
    assert not User.objects.filter(username="breadhead").exists()


def test_the_closed_page_speaks_chinese(client):
    set_mode(RegistrationMode.CLOSED)
    response = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "注册已关闭" in page(response)


# --- invite only ----------------------------------------------------------------------------------------------


def test_invite_only_asks_for_the_code_first(client):
    set_mode(RegistrationMode.INVITE)
    body = page(client.get("/accounts/signup/"))
    assert body.index('name="invite_code"') < body.index('name="username"')
    response = signup(client)
    assert response.status_code == 200
    assert "Enter the invite code a member gave you." in errors_in(response)
    assert not User.objects.filter(username="breadhead").exists()


def test_a_valid_code_lets_one_person_in_and_records_who_made_and_used_it(client):
    set_mode(RegistrationMode.INVITE)
    inviter = UserFactory(username="mara", rank=rank_at(2))
    invite = make_invite(by=inviter)
    response = signup(client, invite_code=f"  {invite.code} ")
    assert response.status_code == 302, errors_in(response)
    user = User.objects.get(username="breadhead")
    assert user.join_status == JoinStatus.APPROVED
    invite.refresh_from_db()
    assert invite.created_by == inviter and invite.used_by == user
    assert abs((invite.used_at - timezone.now()).total_seconds()) < 60
    # the same code again: refused, and nothing more is made
    client.logout()
    response = signup(client, username="second", invite_code=invite.code)
    assert response.status_code == 200
    assert "This invite code has been used already." in errors_in(response)
    assert not User.objects.filter(username="second").exists()
    invite.refresh_from_db()
    assert invite.used_by == user


@pytest.mark.parametrize(("code", "error"), [
    ("not-a-code", "This invite code is not valid."),
    ("x" * 41, "at most 40 characters"),
    ("", "Enter the invite code a member gave you."),
    ("   ", "Enter the invite code a member gave you."),
])
def test_an_unknown_code_is_a_form_error(client, code, error):
    set_mode(RegistrationMode.INVITE)
    invite = make_invite()
    response = signup(client, invite_code=code)
    assert response.status_code == 200
    assert error in errors_in(response)
    assert not User.objects.filter(username="breadhead").exists()
    assert signup(client, invite_code=invite.code[:-1]).status_code == 200  # a near miss is no code either


def test_an_expired_code_is_a_form_error_and_stays_unused(client):
    set_mode(RegistrationMode.INVITE)
    invite = make_invite(expires_at=timezone.now() - timedelta(seconds=1))
    response = signup(client, invite_code=invite.code)
    assert "This invite code has expired." in errors_in(response)
    invite.refresh_from_db()
    assert invite.used_by is None and invite.used_at is None
    assert not User.objects.filter(username="breadhead").exists()


def test_a_code_expires_after_the_admins_number_of_days(client):
    set_mode(RegistrationMode.INVITE, invite_expiry_days=3)
    invite = make_invite()
    assert timedelta(days=3) - timedelta(seconds=60) < invite.expires_at - timezone.now() <= timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=3, seconds=1)):
        assert "This invite code has expired." in errors_in(signup(client, invite_code=invite.code))
    assert signup(client, invite_code=invite.code).status_code == 302


def test_a_code_taken_between_the_check_and_the_save_makes_nothing(client):
    """The form checked the code, then someone else used it before this signup was saved: the account,
    its signup record and its address are rolled back, and the form says why."""
    set_mode(RegistrationMode.INVITE)
    invite = make_invite()
    real_problem = joining.invite_problem
    thief = UserFactory(username="quick")

    def checked_then_taken(found, **kwargs):
        problem = real_problem(found, **kwargs)
        if problem is None:
            InviteCode.objects.filter(pk=found.pk).update(used_by=thief, used_at=timezone.now())
        return problem

    with mock.patch("members.forms.joining.invite_problem", side_effect=checked_then_taken):
        response = signup(client, invite_code=invite.code)
    assert response.status_code == 200
    assert "This invite code has been used already." in errors_in(response)
    assert not User.objects.filter(username="breadhead").exists()
    assert not SignupRecord.objects.filter(ip="203.0.113.7").exists()
    invite.refresh_from_db()
    assert invite.used_by == thief


def test_the_signup_link_fills_in_the_code(client):
    set_mode(RegistrationMode.INVITE)
    invite = make_invite()
    body = html(client.get(f"/accounts/signup/?invite={invite.code}"))
    assert re.search(rf'name="invite_code"[^>]*value="{re.escape(invite.code)}"', body) or \
        re.search(rf'value="{re.escape(invite.code)}"[^>]*name="invite_code"', body)


def test_the_bot_checks_and_disposable_addresses_still_apply_and_leave_the_code_unused(client):
    set_mode(RegistrationMode.INVITE)
    invite = make_invite()
    services.disposable_domains_load()
    response = signup(client, invite_code=invite.code, website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    response = signup(client, invite_code=invite.code, email="me@mailinator.com")
    assert response.status_code == 200 and "throwaway" in page(response)
    assert not User.objects.filter(username="breadhead").exists()
    invite.refresh_from_db()
    assert invite.used_by is None


# --- making invite codes --------------------------------------------------------------------------------------


def test_codes_are_long_random_and_different():
    codes = {make_invite().code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", code) for code in codes)


@pytest.mark.parametrize(("order", "quota"), [(0, 0), (1, 0), (2, 2), (3, 5), (4, 10)])
def test_the_default_ladder_gives_codes_from_regular_up(order, quota):
    assert rank_at(order).invites_per_month == quota


def test_a_member_makes_codes_up_to_their_ranks_quota_in_30_days(client):
    regular = UserFactory(username="mara", rank=rank_at(2))
    client.force_login(regular)
    for _ in range(2):
        assert client.post("/settings/invites/").status_code == 302
    response = client.post("/settings/invites/")
    assert response.status_code == 403
    assert "You have made all 2 invite codes your rank gives in 30 days." in page(response)
    assert InviteCode.objects.filter(created_by=regular).count() == 2
    # a code made more than 30 days ago no longer counts
    InviteCode.objects.filter(pk=InviteCode.objects.filter(created_by=regular).first().pk).update(
        created_at=timezone.now() - timedelta(days=31))
    assert client.post("/settings/invites/").status_code == 302
    assert InviteCode.objects.filter(created_by=regular).count() == 3


def test_a_rank_without_codes_is_refused_and_the_page_says_why(client, member):
    client.force_login(member)
    response = client.get("/settings/invites/")
    assert response.status_code == 200
    assert "Your rank does not give invite codes yet." in page(response)
    assert "Make an invite code" not in page(response)
    response = client.post("/settings/invites/")
    assert response.status_code == 403
    assert not InviteCode.objects.exists()


def test_admins_have_no_limit(admin_client, admin_user):
    for _ in range(12):
        assert admin_client.post("/settings/invites/").status_code == 302
    assert InviteCode.objects.filter(created_by=admin_user).count() == 12
    assert "Admins have no limit." in page(admin_client.get("/settings/invites/"))


def test_the_admin_sets_a_ranks_quota(client):
    rank = rank_at(1)
    rank.invites_per_month = 1
    rank.save()
    client.force_login(UserFactory(username="plain"))
    assert client.post("/settings/invites/").status_code == 302
    assert client.post("/settings/invites/").status_code == 403


def test_the_inviter_sees_their_codes_and_who_joined_with_them(client):
    set_mode(RegistrationMode.INVITE)
    inviter = UserFactory(username="mara", rank=rank_at(3))
    used = make_invite(by=inviter)
    unused = make_invite(by=inviter)
    expired = make_invite(by=inviter, expires_at=timezone.now() - timedelta(days=1))
    someone_elses = make_invite()
    assert signup(client, invite_code=used.code).status_code == 302
    client.logout()
    client.force_login(inviter)
    body = page(client.get("/settings/invites/"))
    for code in (used, unused, expired):
        assert code.code in body
    assert someone_elses.code not in body
    assert 'href="/u/breadhead/"' in body
    assert "Used" in body and "Expired" in body and "Unused until" in body
    assert f"/accounts/signup/?invite={unused.code}" in body
    assert "You may make 2 more codes in 30 days." in body
    # linked from the member's own profile and settings
    assert 'href="/settings/invites/"' in page(client.get("/u/mara/"))
    assert 'href="/settings/invites/"' in page(client.get("/settings/"))


def test_the_invites_page_is_for_members_who_are_logged_in(client):
    response = client.get("/settings/invites/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post("/settings/invites/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not InviteCode.objects.exists()


@pytest.mark.parametrize("state", ["banned", "suspended", "unverified", "waiting", "refused"])
def test_an_account_that_may_not_write_makes_no_codes(client, state):
    veteran = UserFactory(username="vet", rank=rank_at(3))
    changes = {"banned": {"is_banned": True}, "suspended": {"suspended_until": timezone.now() + timedelta(days=1)},
               "unverified": {"email_verified": False}, "waiting": {"join_status": JoinStatus.WAITING},
               "refused": {"join_status": JoinStatus.REFUSED}}[state]
    User.objects.filter(pk=veteran.pk).update(**changes)
    client.force_login(veteran)
    response = client.post("/settings/invites/")
    assert response.status_code == 403
    assert not InviteCode.objects.exists()
    assert client.get("/settings/invites/").status_code == 200  # reading their page is fine


def test_the_page_says_when_registration_is_not_by_invite(client):
    client.force_login(UserFactory(username="vet", rank=rank_at(3)))
    assert "Registration is not by invitation now" in page(client.get("/settings/invites/"))
    set_mode(RegistrationMode.INVITE)
    assert "Registration is not by invitation now" not in page(client.get("/settings/invites/"))


# --- approval ---------------------------------------------------------------------------------------------------


def test_approval_asks_why_and_the_new_account_waits_in_the_queue(client):
    set_mode(RegistrationMode.APPROVAL)
    assert "Why do you want to join?" in page(client.get("/accounts/signup/"))
    response = signup(client, join_reason=f"  {REASON}  ")
    assert response.status_code == 302, errors_in(response)
    user = User.objects.get(username="breadhead")
    assert user.join_status == JoinStatus.WAITING
    assert SignupRecord.objects.get(member=user).join_reason == REASON
    case = Case.objects.get(member=user)
    assert (case.kind, case.board, case.is_approval, case.state) == ("signup", None, True, "open")
    # the account reads, and is told why it cannot write yet
    home = page(client.get("/"))
    assert "Your account is waiting for a moderator's approval." in home


@pytest.mark.parametrize(("reason", "error"), [
    ("", "Tell us why you want to join."),
    ("          ", "Tell us why you want to join."),
    ("too short", "Tell us a little more: at least 10 characters."),
    ("  123456789  ", "Tell us a little more: at least 10 characters."),
    ("　　短短短短短短短短短　　", "Tell us a little more: at least 10 characters."),  # ideographic spaces trimmed
])
def test_a_reason_needs_ten_characters_after_trimming(client, reason, error):
    set_mode(RegistrationMode.APPROVAL)
    response = signup(client, join_reason=reason)
    assert response.status_code == 200
    assert error in errors_in(response)
    assert not User.objects.filter(username="breadhead").exists()


@pytest.mark.parametrize("reason", ["1234567890", "我想和大家一起学做面包", "  0123456789  "])
def test_ten_characters_are_enough_in_any_script(client, reason):
    set_mode(RegistrationMode.APPROVAL)
    assert signup(client, join_reason=reason).status_code == 302
    assert SignupRecord.objects.get(member__username="breadhead").join_reason == reason.strip()


def test_a_reason_over_1000_characters_is_refused(client):
    set_mode(RegistrationMode.APPROVAL)
    response = signup(client, join_reason="a" * 1001)
    assert "Keep it under 1000 characters." in errors_in(response)
    assert not User.objects.filter(username="breadhead").exists()


@pytest.mark.parametrize("state", [JoinStatus.WAITING, JoinStatus.REFUSED])
def test_a_waiting_or_refused_account_reads_but_every_write_is_a_403_that_says_why(client, board, topic, state):
    user = UserFactory(username="hopeful")
    User.objects.filter(pk=user.pk).update(join_status=state)
    client.force_login(user)
    assert client.get(board.get_absolute_url()).status_code == 200
    assert client.get(topic.get_absolute_url()).status_code == 200
    words = ("waiting for a moderator's approval" if state == JoinStatus.WAITING
             else "Your request to join was refused")
    for path, data in [(f"/b/{board.slug}/new/", {"title": "Hello", "body": "Hi all."}),
                       (f"/t/{topic.pk}/reply/", {"body": "Hi."}),
                       (f"/p/{topic.first_post.pk}/like/", {}),
                       (f"/report/post/{topic.first_post.pk}/", {"reason": "spam"})]:
        response = client.post(path, data)
        assert response.status_code == 403, path
        assert words in page(response), path
    assert Topic.objects.filter(board=board).count() == 1
    banner = ("Your account is waiting for a moderator's approval." if state == JoinStatus.WAITING
              else "Your request to join was refused: you can read, but not post.")
    assert banner in page(client.get("/"))


# --- the word filter on the reason ---------------------------------------------------------------------------


def test_a_blocked_term_in_the_reason_is_a_form_error_naming_the_rule(client):
    from wordfilter.models import Term

    set_mode(RegistrationMode.APPROVAL)
    Term.objects.create(term="广{1}告", action="block")
    response = signup(client, join_reason="我是来发广x告的，请让我加入吧")
    assert response.status_code == 200
    text = errors_in(response)
    assert "which this forum does not allow" in text and "广{1}告" in text
    assert not User.objects.filter(username="breadhead").exists()


def test_a_replace_term_is_replaced_in_the_stored_reason(client):
    from wordfilter.models import Term

    set_mode(RegistrationMode.APPROVAL)
    Term.objects.create(term="damn", action="replace", replacement="[…]")
    assert signup(client, join_reason="I love DAMN good bread, truly.").status_code == 302
    assert SignupRecord.objects.get(member__username="breadhead").join_reason == "I love […] good bread, truly."


def test_a_hold_term_keeps_the_account_waiting_and_the_case_names_it(client):
    from wordfilter.models import Term

    set_mode(RegistrationMode.APPROVAL)
    Term.objects.create(term="代购", action="hold")
    assert signup(client, join_reason="我做ＤＡＩＧＯＵ，也帮人代购面粉").status_code == 302
    user = User.objects.get(username="breadhead")
    assert user.join_status == JoinStatus.WAITING
    case = Case.objects.get(member=user, kind="signup")
    assert case.held_because == "“代购”"
    assert SignupRecord.objects.get(member=user).join_reason_held_terms == "“代购”"


def test_the_word_filter_still_refuses_a_username(client):
    from wordfilter.models import Term

    set_mode(RegistrationMode.APPROVAL)
    Term.objects.create(term="spam", action="replace")
    response = signup(client, username="spamking", join_reason=REASON)
    assert "which this forum does not allow" in errors_in(response)
    assert not User.objects.filter(username="spamking").exists()


# --- the signup question --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "accepted", "matches"), [
    ("ＡＢＣ", "abc", True),
    ("abc", "ＡＢＣ", True),
    ("  Abc\t", "aBC", True),
    ("　ａｂｃ　", "abc", True),  # ideographic spaces around full-width letters
    ("１２３", "123", True),
    ("ﾊﾟﾝ", "パン", True),  # half-width katakana
    ("STRASSE", "straße", True),
    ("Sour   Dough", "sour dough", True),
    ("sourdough", "sour dough", False),
    ("酵种", "酵种", True),
    ("酵母", "酵种", False),
    ("", "", False),
    ("   ", "abc", False),
    ("abcd", "abc", False),
])
def test_answers_compare_trimmed_case_folded_and_full_width_folded(given, accepted, matches):
    question = SignupQuestion(question="?", answers=f"{accepted}\nsomething else")
    assert joining.answer_matches(question, given) is matches


def ask(question="What do you feed a starter?", answers="flour and water\n面粉和水", **values):
    set_mode(RegistrationMode.OPEN, ask_question=True, **values)
    return SignupQuestion.objects.create(question=question, answers=answers)


def token_in(body: str) -> str:
    return re.search(r'name="question_token" value="([^"]+)"', body).group(1)


def test_the_question_is_asked_and_the_right_answer_lets_in(client):
    question = ask()
    body = html(client.get("/accounts/signup/"))
    assert "What do you feed a starter?" in body
    token = token_in(body)
    response = signup(client, question_token=token, answer="  ＦＬＯＵＲ and Water ")
    assert response.status_code == 302, errors_in(response)
    record = SignupRecord.objects.get(member__username="breadhead")
    assert (record.question, record.answer) == (question.question, "ＦＬＯＵＲ and Water")


def test_a_wrong_answer_is_a_form_error_and_the_same_question_stays(client):
    ask()
    token = token_in(html(client.get("/accounts/signup/")))
    response = signup(client, question_token=token, answer="milk")
    assert "That is not the answer we were looking for." in errors_in(response)
    assert token_in(html(response)) == token
    assert not User.objects.filter(username="breadhead").exists()


def test_a_forged_or_stale_question_token_gets_a_new_question(client):
    question = ask()
    forged = signing.TimestampSigner(salt="another salt").sign(str(question.pk))
    for token in (forged, "", f"{question.pk}", "junk:junk:junk"):
        response = signup(client, question_token=token, answer="flour and water")
        assert "Please answer this question." in errors_in(response), token
        assert joining.question_from_token(token_in(html(response))) == question
    with mock.patch("time.time", return_value=time.time() - 25 * 3600):
        old = joining.question_token(question)
    assert "Please answer this question." in errors_in(signup(client, question_token=old, answer="flour and water"))
    assert not User.objects.filter(username="breadhead").exists()


def test_a_token_for_a_question_no_longer_asked_gets_a_new_one(client):
    first = ask()
    second = SignupQuestion.objects.create(question="Name a bread from Alsace.", answers="kougelhopf")
    token = joining.question_token(first)
    first.is_active = False
    first.save()
    response = signup(client, question_token=token, answer="flour and water")
    assert "Please answer this question." in errors_in(response)
    assert joining.question_from_token(token_in(html(response))) == second


def test_a_question_is_picked_at_random_from_the_active_ones(client):
    ask("Question one?")
    SignupQuestion.objects.create(question="Question two?", answers="two")
    SignupQuestion.objects.create(question="Question three?", answers="three", is_active=False)
    seen = {re.search(r"Question (one|two|three)\?", html(client.get("/accounts/signup/"))).group(1)
            for _ in range(40)}
    assert seen == {"one", "two"}


def test_no_question_without_the_setting_or_without_an_active_question(client):
    SignupQuestion.objects.create(question="Asked?", answers="yes")
    assert 'name="answer"' not in html(client.get("/accounts/signup/"))  # the setting is off
    set_mode(RegistrationMode.OPEN, ask_question=True)
    SignupQuestion.objects.update(is_active=False)
    assert 'name="answer"' not in html(client.get("/accounts/signup/"))
    assert signup(client).status_code == 302


def test_the_question_goes_with_every_mode(client):
    ask()
    set_mode(RegistrationMode.APPROVAL)
    token = token_in(html(client.get("/accounts/signup/")))
    response = signup(client, question_token=token, answer="wrong", join_reason=REASON)
    assert "That is not the answer" in errors_in(response)
    response = signup(client, question_token=token, answer="面粉和水", join_reason=REASON)
    assert response.status_code == 302
    assert User.objects.get(username="breadhead").join_status == JoinStatus.WAITING


# --- switching modes ------------------------------------------------------------------------------------------


def test_switching_modes_changes_no_account(client):
    """Accounts waiting when the mode changes keep waiting; approved ones stay approved; each new signup
    goes through the gate of the moment."""
    set_mode(RegistrationMode.APPROVAL)
    assert signup(client, username="waiter", join_reason=REASON).status_code == 302
    client.logout()
    waiter = User.objects.get(username="waiter")
    for mode in (RegistrationMode.OPEN, RegistrationMode.INVITE, RegistrationMode.CLOSED, RegistrationMode.OPEN):
        set_mode(mode)
        waiter.refresh_from_db()
        assert waiter.join_status == JoinStatus.WAITING, mode
        assert "waiting for a moderator's approval" in write_refusal(waiter)
        assert Case.objects.get(member=waiter, kind="signup").state == "open"
    assert signup(client, username="latecomer").status_code == 302  # open now: in at once
    assert User.objects.get(username="latecomer").join_status == JoinStatus.APPROVED
    client.logout()
    set_mode(RegistrationMode.APPROVAL)
    assert User.objects.get(username="latecomer").join_status == JoinStatus.APPROVED  # not made to wait later
    assert User.objects.filter(join_status=JoinStatus.WAITING).count() == 1


def test_a_form_opened_before_the_switch_asks_for_what_the_new_mode_needs(client):
    body = html(client.get("/accounts/signup/"))
    assert 'name="join_reason"' not in body
    set_mode(RegistrationMode.APPROVAL)
    response = signup(client)  # sent back as the open form had it
    assert response.status_code == 200
    assert "Tell us why you want to join." in errors_in(response)
    assert not User.objects.filter(username="breadhead").exists()


def test_the_demo_forum_runs_open(db):
    from django.core.management import call_command

    set_mode(RegistrationMode.CLOSED)
    call_command("seed_demo", if_empty=True)
    assert joining.registration_mode() == RegistrationMode.OPEN


@pytest.mark.parametrize(("mode", "status"), [(RegistrationMode.OPEN, JoinStatus.APPROVED),
                                              (RegistrationMode.INVITE, JoinStatus.WAITING),
                                              (RegistrationMode.APPROVAL, JoinStatus.WAITING)])
def test_an_account_made_without_our_signup_form_is_let_in_only_when_registration_is_open(rf, mode, status):
    """The adapter saves accounts for any allauth form; one that asked nothing of the gate (no code, no
    reason) waits for a moderator unless registration is open."""
    from members.adapters import AccountAdapter

    set_mode(mode)

    class PlainForm:
        cleaned_data = {"username": "elsewhere", "email": "elsewhere@example.com", "password1": PASSWORD}

    request = rf.post("/accounts/signup/", REMOTE_ADDR="203.0.113.8")
    user = AccountAdapter(request).save_user(request, User(), PlainForm())
    user.refresh_from_db()
    assert user.join_status == status
    assert Case.objects.filter(member=user, kind="signup").exists() == (status == JoinStatus.WAITING)
