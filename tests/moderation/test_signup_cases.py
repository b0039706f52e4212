"""New accounts waiting to join (registration by approval) are cases of their own kind in the queue: only
global moderators and admins see and decide them (they have no board), every decision is logged and
emailed to the member in their language, and nothing but letting in or refusing applies to them."""
import pytest
from django.test import Client

from members import joining
from members import services as member_services
from members.models import JoinStatus, RegistrationMode, SignupRecord, User
from members.permissions import write_refusal
from moderation import services
from moderation.models import Case, ModerationAction
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory, make_board_moderator, make_post, make_topic
from tests.helpers import messages_in, page

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
ROLES = ["anonymous", "member", "board_mod", "global_mod", "admin"]
REASON = "I run a small bakery in Lyon and would love to swap notes."


def waiting_account(username="hopeful", *, language="", reason=REASON, held_terms=(), ip="198.51.100.4") -> User:
    """An account made as a signup by approval makes it: waiting, with its case open."""
    user = UserFactory(username=username, language=language)
    member_services.signup_record_create(user=user, ip=ip)
    member_services.signup_admit(user=user, admission=joining.Admission(
        mode=RegistrationMode.APPROVAL, reason=reason, held_terms=list(held_terms), question="Your oven?",
        answer="A wood-fired one"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def users(db):
    board = BoardFactory(name="Sourdough", slug="sourdough")
    return {
        "anonymous": None,
        "member": UserFactory(username="plain"),
        "board_mod": make_board_moderator(board, "breadmod"),
        "global_mod": UserFactory(username="globalmod", is_global_moderator=True),
        "admin": UserFactory(username="root", is_staff=True, is_superuser=True),
    }


def client_for(users, role) -> Client:
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    return client


def expected(role: str) -> str | int:
    """The one oracle: who may see and decide a new account's case."""
    return {"anonymous": "login", "member": 403, "board_mod": 404}.get(role, "ok")


def assert_refused(response, outcome):
    if outcome == "login":
        assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    else:
        assert response.status_code == outcome


def test_a_waiting_account_has_one_open_case_of_its_own_kind(db):
    user = waiting_account()
    case = Case.objects.get(member=user)
    assert (case.kind, case.board_id, case.is_approval, case.state) == ("signup", None, True, "open")
    services.signup_case_open(member=user)  # a second call opens no second case
    assert Case.objects.filter(member=user, kind="signup").count() == 1
    # a report on the same member is a case of its own, beside it
    services.report_create(reporter=UserFactory(), kind="member", reason="abuse", member=user)
    assert Case.objects.filter(member=user, kind="member").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_the_case_page(users, role):
    user = waiting_account()
    member_services.signup_record_create(user=UserFactory(username="puppet"), ip="198.51.100.4")  # the same address
    case = Case.objects.get(member=user)
    response = client_for(users, role).get(f"/mod/case/{case.pk}/")
    outcome = expected(role)
    if outcome != "ok":
        assert_refused(response, outcome)
        assert REASON not in page(response)
        return
    assert response.status_code == 200
    body = page(response)
    for shown in (REASON, "Your oven?", "A wood-fired one", "hopeful@example.com", "new account waiting to join",
                  "Let them in", "Refuse", 'href="/u/puppet/"'):
        assert shown in body, shown
    assert 'value="warn"' not in body and 'value="dismiss"' not in body  # only the two decisions


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_and_the_approvals_page_list_it_for_those_who_decide(users, role):
    user = waiting_account()
    case = Case.objects.get(member=user)
    client = client_for(users, role)
    for url in ("/mod/", "/mod/approvals/", "/mod/?reason=signup"):
        response = client.get(url)
        outcome = expected(role)
        if outcome == "login":
            assert_refused(response, outcome)
        elif role == "member":
            assert response.status_code == 403
        else:
            assert response.status_code == 200, url
            listed = f'href="/mod/case/{case.pk}/"' in page(response)
            assert listed == (role in ("global_mod", "admin")), (url, role)
            assert (REASON in page(response)) == (url == "/mod/approvals/" and listed), (url, role)


def test_the_signup_filter_lists_only_new_accounts(users):
    user = waiting_account()
    topic = make_topic(board=BoardFactory(), author=UserFactory(username="alice"))
    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Buy my oven.")
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=reply)
    body = page(client_for(users, "global_mod").get("/mod/?reason=signup"))
    assert f'href="/mod/case/{Case.objects.get(member=user).pk}/"' in body
    assert f'href="/mod/case/{Case.objects.get(post=reply).pk}/"' not in body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["approve_member", "refuse_member", "approve", "reject", "claim", "note"])
def test_who_decides(users, role, action):
    user = waiting_account()
    case = Case.objects.get(member=user)
    response = client_for(users, role).post(f"/mod/case/{case.pk}/act/", {
        "action": action, "reason": "Not a baker, a seller.", "text": "Looks genuine."})
    case.refresh_from_db()
    user.refresh_from_db()
    outcome = expected(role)
    if outcome != "ok":
        assert_refused(response, outcome)
        assert case.state == "open" and case.assignee_id is None and not case.notes.exists()
        assert user.join_status == JoinStatus.WAITING
        assert not ModerationAction.objects.exists()
        return
    assert response.status_code == 302
    actor = users[role]
    if action in ("claim", "note"):
        assert case.state != "resolved" and user.join_status == JoinStatus.WAITING
        assert ModerationAction.objects.get(actor=actor).action == action
        return
    verb = {"approve": "approve_member", "reject": "refuse_member"}.get(action, action)
    entry = ModerationAction.objects.get(actor=actor)
    assert (entry.action, entry.member_id, entry.case_id, entry.board_id) == (verb, user.pk, case.pk, None)
    assert case.state == "resolved" and case.resolved_by_id == actor.pk
    assert user.join_status == (JoinStatus.APPROVED if verb == "approve_member" else JoinStatus.REFUSED)


@pytest.mark.parametrize("action", ["dismiss", "warn", "suspend", "ban", "hide", "delete", "lock", "unban"])
def test_nothing_else_applies_to_a_new_account(users, action):
    user = waiting_account()
    case = Case.objects.get(member=user)
    client = client_for(users, "admin")
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": action, "reason": "Why not", "days": "3"})
    assert response.status_code == 302
    assert "An account waiting to join is let in or refused." in messages_in(client.get(response["Location"]))
    case.refresh_from_db()
    user.refresh_from_db()
    assert case.state == "open" and user.join_status == JoinStatus.WAITING and not user.is_banned
    assert not ModerationAction.objects.exists()


def test_letting_in_and_refusing_apply_to_new_accounts_only(users):
    topic = make_topic(board=BoardFactory(), author=UserFactory(username="alice"))
    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Buy my oven.")
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=reply)
    case = Case.objects.get(post=reply)
    client = client_for(users, "admin")
    for action in ("approve_member", "refuse_member"):
        response = client.post(f"/mod/case/{case.pk}/act/", {"action": action, "reason": "x"})
        assert "Only an account waiting to join is let in or refused" in " ".join(
            messages_in(client.get(response["Location"])))
        response = client.post(f"/mod/post/{reply.pk}/act/", {"action": action, "reason": "x"})
        assert response.status_code == 302
        assert "Unknown action." in messages_in(client.get(response["Location"]))
    case.refresh_from_db()
    assert case.state == "open" and not ModerationAction.objects.exists()


def test_refusing_needs_a_reason(users):
    user = waiting_account()
    case = Case.objects.get(member=user)
    client = client_for(users, "global_mod")
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "refuse_member", "reason": "   "})
    assert "Give a reason: the member sees it." in messages_in(client.get(response["Location"]))
    user.refresh_from_db()
    assert user.join_status == JoinStatus.WAITING


def test_letting_in_is_logged_told_and_emailed_in_the_members_language(users, mailoutbox,
                                                                       django_capture_on_commit_callbacks):
    user = waiting_account(language="zh-hans")
    case = Case.objects.get(member=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users, "global_mod").post(f"/mod/case/{case.pk}/act/", {"action": "approve_member"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.join_status == JoinStatus.APPROVED and write_refusal(user) is None
    notice = Notice.objects.get(recipient=user)
    assert notice.verb == "signup_approved"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    assert "欢迎" in mailoutbox[0].subject
    entry = ModerationAction.objects.get(action="approve_member")
    assert entry.actor == users["global_mod"] and entry.member == user
    log = page(client_for(users, "global_mod").get("/mod/log/"))
    assert "Let a new account in" in log and "hopeful" in log


def test_refusing_is_logged_told_and_emailed_with_the_reason(users, mailoutbox, django_capture_on_commit_callbacks):
    user = waiting_account()
    case = Case.objects.get(member=user)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users, "admin").post(f"/mod/case/{case.pk}/act/", {
            "action": "refuse_member", "reason": "We are a forum for home bakers."})
    user.refresh_from_db()
    assert user.join_status == JoinStatus.REFUSED
    assert "Your request to join was refused" in write_refusal(user)
    assert len(mailoutbox) == 1
    assert "Your request to join was refused" in mailoutbox[0].subject
    assert "We are a forum for home bakers." in mailoutbox[0].body
    entry = ModerationAction.objects.get(action="refuse_member")
    assert entry.reason == "We are a forum for home bakers."
    # the refused account keeps reading, and is told it may not write
    client = Client()
    client.force_login(user)
    assert "Your request to join was refused" in page(client.get("/"))


def test_a_decision_is_taken_once(users):
    user = waiting_account()
    case = Case.objects.get(member=user)
    client_for(users, "global_mod").post(f"/mod/case/{case.pk}/act/", {"action": "approve_member"})
    client = client_for(users, "admin")
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "refuse_member", "reason": "Changed my mind"})
    assert "globalmod already resolved this case" in " ".join(messages_in(client.get(response["Location"])))
    user.refresh_from_db()
    assert user.join_status == JoinStatus.APPROVED
    assert ModerationAction.objects.filter(case=case).count() == 1


def test_bulk_approve_lets_ticked_accounts_in(users):
    first, second = waiting_account("first"), waiting_account("second")
    ids = list(Case.objects.filter(kind="signup").values_list("pk", flat=True))
    response = client_for(users, "global_mod").post("/mod/bulk/", {"cases": ids, "action": "approve"})
    assert response.status_code == 302
    assert set(User.objects.filter(pk__in=[first.pk, second.pk]).values_list("join_status", flat=True)) == {"approved"}
    assert ModerationAction.objects.filter(action="approve_member").count() == 2
    # a board moderator's bulk reaches none of them
    third = waiting_account("third")
    client_for(users, "board_mod").post("/mod/bulk/", {"cases": [Case.objects.get(member=third).pk],
                                                        "action": "approve"})
    third.refresh_from_db()
    assert third.join_status == JoinStatus.WAITING


def test_a_moderator_whose_own_account_may_not_write_decides_nothing(users):
    user = waiting_account()
    case = Case.objects.get(member=user)
    User.objects.filter(pk=users["global_mod"].pk).update(is_banned=True)
    response = client_for(users, "global_mod").post(f"/mod/case/{case.pk}/act/", {"action": "approve_member"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.join_status == JoinStatus.WAITING


def test_the_case_shows_word_filter_terms_and_a_lookalike_address(users):
    banned = UserFactory(username="villain", email="villain99@example.com", is_banned=True)
    user = UserFactory(username="hopeful", email="villain98@example.com")
    member_services.signup_record_create(user=user, ip="198.51.100.9")
    member_services.signup_admit(user=user, admission=joining.Admission(
        mode=RegistrationMode.APPROVAL, reason="我也帮人代购面粉和酵母", held_terms=["代购"]))
    case = Case.objects.get(member=user)
    body = page(client_for(users, "admin").get(f"/mod/case/{case.pk}/"))
    assert "The word filter found in the reason: “代购”" in body
    assert banned.username in SignupRecord.objects.get(member=user).held_reason
    assert "close to that of the banned member villain" in body
