"""Who may do what in moderation: every action and page over every role. Visitors are sent to log in,
members get 403, moderators of another board 403 (404 for a case outside their boards), the board's
moderators, global moderators and admins may act, except that suspend and ban need a global moderator and
restore an admin. Every change is a POST with a CSRF token."""
from dataclasses import dataclass

import pytest
from django.test import Client

from boards import services as board_services
from boards.models import BoardModerator
from members.models import User
from moderation import services
from moderation.models import Case, CaseNote, ModerationAction
from tests.factories import BoardFactory, UserFactory, fresh, make_post, make_topic, newcomer_rank
from tests.helpers import page

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
ROLES = ["anonymous", "member", "other_mod", "board_mod", "global_mod", "admin"]
CASE_ACTIONS = ["dismiss", "approve", "reject", "hide", "delete", "restore", "lock", "unlock", "pin", "unpin",
                "hide_topic", "move", "warn", "suspend", "ban", "claim", "note"]
TOPIC_ACTIONS = {"lock", "unlock", "pin", "unpin", "hide_topic", "move"}
APPROVAL_ACTIONS = {"approve", "reject"}
NOT_RESOLVING = {"claim", "note"}


@dataclass
class World:
    board: object
    pastry: object
    rye: object
    topic: object
    reply: object
    held: object
    post_case: Case
    topic_case: Case
    approval_case: Case
    users: dict


@pytest.fixture
def world(db):
    board = BoardFactory(name="Sourdough", slug="sourdough", rules="1. Be kind.")
    pastry = BoardFactory(name="Pastry", slug="pastry")
    rye = BoardFactory(name="Rye", slug="rye")
    author = UserFactory(username="alice")
    topic = make_topic(board=board, author=author, title="My starter is sluggish", body="Help please.")
    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Buy my bread machine.")
    held = board_services.post_create(topic=topic, author=UserFactory(username="newbie", rank=newcomer_rank()),
                                      body="Hello, I am new.")
    reporter = UserFactory(username="carol")
    services.report_create(reporter=reporter, kind="post", reason="spam", post=reply)
    services.report_create(reporter=reporter, kind="topic", reason="off_topic", topic=topic)
    other_mod = UserFactory(username="pastrymod")
    BoardModerator.objects.create(board=pastry, member=other_mod)
    board_mod = UserFactory(username="breadmod")
    BoardModerator.objects.create(board=board, member=board_mod)
    BoardModerator.objects.create(board=rye, member=board_mod)  # somewhere the board moderator may move to
    users = {
        "anonymous": None,
        "member": UserFactory(username="plain"),
        "other_mod": other_mod,
        "board_mod": board_mod,
        "global_mod": UserFactory(username="globalmod", is_global_moderator=True),
        "admin": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    return World(board=board, pastry=pastry, rye=rye, topic=topic, reply=reply, held=held,
                 post_case=Case.objects.get(post=reply), topic_case=Case.objects.get(topic=topic, post__isnull=True),
                 approval_case=Case.objects.get(post=held), users=users)


def client_for(world: World, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def case_for(world: World, action: str) -> Case:
    if action in APPROVAL_ACTIONS:
        return world.approval_case
    if action in TOPIC_ACTIONS:
        return world.topic_case
    return world.post_case


def expected(role: str, action: str) -> str | int:
    if role == "anonymous":
        return "login"
    if role == "member":
        return 403
    if role == "other_mod":
        return 404
    if action in ("suspend", "ban") and role not in ("global_mod", "admin"):
        return 403
    if action == "restore" and role != "admin":
        return 403
    return "ok"


def form_for(world: World, action: str) -> dict:
    return {"action": action, "reason": f"Reason for {action}", "text": "An internal note.", "days": "3",
            "board": str(world.rye.pk)}


def assert_login_redirect(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(LOGIN_URL), response["Location"]


def nothing_done(case: Case, world: World):
    case.refresh_from_db()
    assert case.state == Case.State.OPEN and case.assignee_id is None
    assert not ModerationAction.objects.exclude(action="auto_hide").exists()
    assert not CaseNote.objects.exists()


# --- acting on a case ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_case_actions(world, role, action):
    case = case_for(world, action)
    client = client_for(world, role)
    response = client.post(f"/mod/case/{case.pk}/act/", form_for(world, action))
    outcome = expected(role, action)
    if outcome == "login":
        assert_login_redirect(response)
        nothing_done(case, world)
    elif outcome in (403, 404):
        assert response.status_code == outcome, (role, action, response.status_code)
        nothing_done(case, world)
        if role == "board_mod" and action in ("suspend", "ban"):
            assert "Only global moderators and admins can suspend or ban members." in page(response)
        if action == "restore" and role in ("board_mod", "global_mod"):
            assert "Only admins can restore deleted posts." in page(response)
    else:
        assert response.status_code == 302, (role, action, response.status_code)
        actor = world.users[role]
        entry = ModerationAction.objects.filter(action=action, actor=actor).get()
        assert entry.case_id == case.pk
        case.refresh_from_db()
        if action == "claim":
            assert case.assignee_id == actor.pk and case.state == Case.State.IN_PROGRESS
        elif action == "note":
            assert case.notes.get().author_id == actor.pk
        else:
            assert case.state == Case.State.RESOLVED and case.resolved_by_id == actor.pk, page(
                client.get(response["Location"]))


@pytest.mark.parametrize("role", ROLES)
def test_the_queue(world, role):
    response = client_for(world, role).get("/mod/")
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "member":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        listed = f'href="/mod/case/{world.post_case.pk}/"' in page(response)
        assert listed == (role != "other_mod")


@pytest.mark.parametrize("role", ROLES)
def test_the_case_page(world, role):
    response = client_for(world, role).get(f"/mod/case/{world.post_case.pk}/")
    outcome = {"anonymous": "login", "member": 403, "other_mod": 404}.get(role, 200)
    if outcome == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == outcome


@pytest.mark.parametrize("role", ROLES)
def test_the_log(world, role):
    services.case_act(case=world.post_case, actor=fresh(world.users["board_mod"]), action="hide",
                      reason="Advertising in Sourdough")
    response = client_for(world, role).get("/mod/log/")
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "member":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        shown = "Advertising in Sourdough" in page(response)
        assert shown == (role != "other_mod")


# --- acting from the page itself -------------------------------------------------------------------

DIRECT = [("post", "hide"), ("post", "delete"), ("topic", "lock"), ("topic", "pin"), ("topic", "hide_topic")]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "action"), DIRECT)
def test_acting_from_the_post_or_topic(world, role, kind, action):
    target = world.reply if kind == "post" else world.topic
    response = client_for(world, role).post(f"/mod/{kind}/{target.pk}/act/", {"action": action,
                                                                                "reason": "From the page"})
    if role == "anonymous":
        assert_login_redirect(response)
    elif role in ("member", "other_mod"):
        assert response.status_code == 403, (role, response.status_code)
    else:
        assert response.status_code == 302
        assert ModerationAction.objects.filter(action=action, actor=world.users[role]).count() == 1
        return
    assert not ModerationAction.objects.exclude(action="auto_hide").exists()
    world.reply.refresh_from_db()
    world.topic.refresh_from_db()
    assert not (world.reply.is_hidden or world.reply.deleted_at or world.topic.is_locked or world.topic.is_pinned
                or world.topic.is_hidden)


@pytest.mark.parametrize("role", ROLES)
def test_restoring_a_deleted_post_is_for_admins_only(world, role):
    services.case_act(case=world.post_case, actor=fresh(world.users["board_mod"]), action="delete", reason="Spam")
    response = client_for(world, role).post(f"/mod/post/{world.reply.pk}/act/", {"action": "restore",
                                                                                   "reason": "Mistake"})
    world.reply.refresh_from_db()
    if role == "admin":
        assert response.status_code == 302
        assert world.reply.deleted_at is None
        assert ModerationAction.objects.filter(action="restore").count() == 1
        return
    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == 403
    assert world.reply.deleted_at is not None
    assert not ModerationAction.objects.filter(action="restore").exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["suspend", "ban"])
def test_suspend_and_ban_from_a_post_need_a_global_moderator(world, role, action):
    response = client_for(world, role).post(f"/mod/post/{world.reply.pk}/act/", {"action": action, "days": "3",
                                                                                   "reason": "Spammer"})
    bob = User.objects.get(username="bob")
    if role in ("global_mod", "admin"):
        assert response.status_code == 302
        assert ModerationAction.objects.filter(action=action).count() == 1
        return
    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == 403
    assert not bob.is_banned and bob.suspended_until is None


# --- bulk -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_bulk(world, role):
    ids = [world.post_case.pk, world.topic_case.pk]
    response = client_for(world, role).post("/mod/bulk/", {"cases": ids, "action": "dismiss",
                                                           "reason": "Nothing wrong"})
    resolved = Case.objects.filter(pk__in=ids, state=Case.State.RESOLVED).count()
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "member":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
    assert resolved == (2 if role in ("board_mod", "global_mod", "admin") else 0)


# --- POST only, with CSRF -------------------------------------------------------------------------


def act_urls(world: World) -> list[str]:
    return [f"/mod/case/{world.post_case.pk}/act/", "/mod/bulk/", f"/mod/post/{world.reply.pk}/act/",
            f"/mod/topic/{world.topic.pk}/act/"]


@pytest.mark.parametrize("index", range(4))
def test_get_on_an_act_url_is_405(world, index):
    url = act_urls(world)[index]
    response = client_for(world, "board_mod").get(url, {"action": "hide", "reason": "via GET",
                                                        "cases": world.post_case.pk})
    assert response.status_code == 405
    nothing_done(world.post_case, world)


@pytest.mark.parametrize("index", range(4))
def test_a_post_without_a_csrf_token_is_refused(world, index):
    url = act_urls(world)[index]
    client = client_for(world, "global_mod", enforce_csrf_checks=True)
    response = client.post(url, {"action": "hide", "reason": "forged", "cases": [world.post_case.pk]})
    assert response.status_code == 403
    nothing_done(world.post_case, world)
    world.reply.refresh_from_db()
    assert not world.reply.is_hidden


@pytest.mark.parametrize("action", ["claim", "note"])
def test_claim_and_note_need_csrf_too(world, action):
    client = client_for(world, "board_mod", enforce_csrf_checks=True)
    response = client.post(f"/mod/case/{world.post_case.pk}/act/", {"action": action, "text": "forged"})
    assert response.status_code == 403
    nothing_done(world.post_case, world)


def test_the_report_form_needs_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    response = client.post(f"/report/post/{world.reply.pk}/", {"reason": "spam"})
    assert response.status_code == 403
    assert world.post_case.reports.count() == 1  # carol's, nobody else's


def test_with_the_token_from_the_case_page_the_action_goes_through(world):
    import re

    client = client_for(world, "board_mod", enforce_csrf_checks=True)
    form = page(client.get(f"/mod/case/{world.post_case.pk}/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(f"/mod/case/{world.post_case.pk}/act/", {"action": "dismiss",
                                                                      "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    world.post_case.refresh_from_db()
    assert world.post_case.state == Case.State.RESOLVED


# --- other boards' and members' cases -------------------------------------------------------------


def test_a_moderator_of_another_board_cannot_reach_the_case_at_all(world):
    other = world.pastry
    elsewhere = make_topic(board=other, author=UserFactory(), title="Croissants")
    services.report_create(reporter=UserFactory(), kind="topic", reason="spam", topic=elsewhere)
    theirs = Case.objects.get(topic=elsewhere)
    client = client_for(world, "board_mod")
    assert client.get(f"/mod/case/{theirs.pk}/").status_code == 404
    assert client.post(f"/mod/case/{theirs.pk}/act/", {"action": "dismiss"}).status_code == 404
    assert client.post(f"/mod/topic/{elsewhere.pk}/act/", {"action": "lock", "reason": "x"}).status_code == 403
    theirs.refresh_from_db()
    elsewhere.refresh_from_db()
    assert theirs.state == Case.State.OPEN and not elsewhere.is_locked


@pytest.mark.parametrize("role", ROLES)
def test_member_cases_are_for_global_moderators_and_admins(world, role):
    services.report_create(reporter=UserFactory(), kind="member", reason="abuse",
                           member=User.objects.get(username="bob"))
    case = Case.objects.get(kind="member")
    client = client_for(world, role)
    page_response = client.get(f"/mod/case/{case.pk}/")
    act_response = client.post(f"/mod/case/{case.pk}/act/", {"action": "warn", "reason": "Be nice"})
    case.refresh_from_db()
    if role in ("global_mod", "admin"):
        assert page_response.status_code == 200 and act_response.status_code == 302
        assert case.state == Case.State.RESOLVED
        return
    if role == "anonymous":
        assert_login_redirect(page_response)
        assert_login_redirect(act_response)
    else:
        expected_status = 403 if role == "member" else 404
        assert page_response.status_code == act_response.status_code == expected_status
    assert case.state == Case.State.OPEN


def test_the_moderation_pages_are_not_offered_to_members(world):
    client = client_for(world, "member")
    content = page(client.get("/"))
    assert 'href="/mod/"' not in content
    topic_page = page(client.get(world.topic.get_absolute_url()))
    assert "/mod/post/" not in topic_page and "/mod/topic/" not in topic_page
    board_mod_page = page(client_for(world, "board_mod").get(world.topic.get_absolute_url()))
    assert f"/mod/post/{world.reply.pk}/act/" in board_mod_page and f"/mod/topic/{world.topic.pk}/act/" in \
        board_mod_page
    other_mod_page = page(client_for(world, "other_mod").get(world.topic.get_absolute_url()))
    assert "/mod/post/" not in other_mod_page and "/mod/topic/" not in other_mod_page


@pytest.mark.parametrize("url", ["/mod/case/99999999999999999999/", "/mod/case/0/"])
def test_a_case_that_does_not_exist_is_a_404(world, url):
    client = client_for(world, "global_mod", raise_request_exception=False)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}act/", {"action": "dismiss"}).status_code == 404


@pytest.mark.parametrize("url", ["/mod/post/99999999999999999999/act/", "/mod/topic/0/act/", "/mod/board/1/act/"])
def test_acting_on_nothing_is_a_404(world, url):
    client = client_for(world, "global_mod", raise_request_exception=False)
    assert client.post(url, {"action": "hide", "reason": "x"}).status_code == 404


def test_bulk_with_junk_ids_is_not_an_error(world):
    client = client_for(world, "global_mod", raise_request_exception=False)
    response = client.post("/mod/bulk/", {"cases": ["abc", "", "99999999999999999999"], "action": "dismiss"})
    assert response.status_code == 302
