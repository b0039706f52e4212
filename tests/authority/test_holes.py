"""Regression tests for the holes an outside review found in who may do what to whom (each failed before
the fix): edits that bypassed the newcomer threshold, authors undoing moderators' edits, no hierarchy
between roles, cases that kept the board a topic left, banned or suspended members keeping powers, deleted
text reaching moderators, auto-hide outliving the decision, counters drifting, and odd numbers."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q

from boards import services as board_services
from boards.models import Board, Post, Topic
from members.models import User
from moderation import services
from moderation.models import Case, ModerationAction
from tests.factories import (
    BoardFactory,
    UserFactory,
    fresh,
    make_board_moderator,
    make_post,
    make_topic,
    newcomer_rank,
    rank_at,
)

pytestmark = pytest.mark.django_db

SECRET = "The secret recipe is 3% rye"


def links(n: int) -> str:
    return " ".join(f"[site {i}](https://example{i}.com/)" for i in range(n))


def images(n: int) -> str:
    return " ".join(f"![crumb {i}](https://img.example.com/{i}.jpg)" for i in range(n))


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def gmod(db):
    return UserFactory(username="gmod", is_global_moderator=True)


# --- 1. edits go through the newcomer threshold ---------------------------------------------------------------


def test_an_edit_cannot_add_more_links_or_images_than_the_rank_allows(board):
    newbie = UserFactory(username="newbie", rank=newcomer_rank(), approved_posts=5)  # past approval
    topic = make_topic(board=board)
    post = board_services.post_create(topic=topic, author=newbie, body="Plain text.")
    assert not post.is_awaiting_approval
    with pytest.raises(ValidationError, match="at most 2 links"):
        board_services.post_edit(post=post, editor=newbie, body=links(10))
    with pytest.raises(ValidationError, match="at most 1 image"):
        board_services.post_edit(post=post, editor=newbie, body=images(10))
    post.refresh_from_db()
    assert post.body == "Plain text." and post.edit_count == 0


def test_an_edit_by_a_member_still_under_the_approval_count_is_held_again(board, board_mod):
    newbie = UserFactory(username="newbie", rank=newcomer_rank())  # 2 posts to approve
    topic = make_topic(board=board, replies=1)
    post = board_services.post_create(topic=topic, author=newbie, body="Hello, I am new.")
    services.post_approve(post=post, moderator=board_mod)  # 1 of 2 approved: still a newcomer's post
    post.refresh_from_db()
    assert not post.is_awaiting_approval
    board_services.post_edit(post=post, editor=fresh(newbie), body="Buy cheap watches.")
    post.refresh_from_db()
    assert post.is_awaiting_approval and post.body == "Buy cheap watches."
    assert Case.objects.get(post=post, state="open").is_approval
    topic.refresh_from_db()
    assert topic.last_post_id != post.pk  # a held post is nobody's last post


def test_a_held_again_first_post_takes_its_topic_off_the_board_and_back(board, board_mod):
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    topic = board_services.topic_create(board=board, author=newbie, title="Hello", body="Hi all.")
    services.post_approve(post=topic.first_post, moderator=board_mod)
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (1, 1)
    board_services.post_edit(post=topic.first_post, editor=fresh(newbie), body="Buy cheap watches.")
    board.refresh_from_db()
    topic.refresh_from_db()
    assert topic.is_hidden and (board.topic_count, board.post_count, board.last_post_id) == (0, 0, None)
    services.post_approve(post=topic.first_post, moderator=board_mod)
    board.refresh_from_db()
    assert (board.topic_count, board.post_count, board.last_post_id) == (1, 1, topic.first_post_id)


def test_an_authors_edit_of_a_reported_post_is_logged(board, topic):
    post = make_post(topic=topic, author=UserFactory(username="bob"), body="Fine words.")
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=post)
    board_services.post_edit(post=post, editor=post.author, body="Different words now.")
    entry = ModerationAction.objects.get(action="edit")
    assert (entry.actor_id, entry.post_id, entry.member_id) == (post.author_id, post.pk, post.author_id)


# --- 2. a moderator's edit stands ---------------------------------------------------------------------------------


def test_the_author_cannot_undo_a_moderators_edit(board, board_mod):
    author = UserFactory(username="bob")
    topic = make_topic(board=board, author=author, body=f"Call me at 555-0100. {SECRET}")
    board_services.post_edit(post=topic.first_post, editor=board_mod, body="[phone number removed]")
    with pytest.raises(PermissionDenied, match="A moderator edited this post"):
        board_services.post_edit(post=topic.first_post, editor=fresh(author), body="Call me at 555-0100.")
    post = Post.objects.get(pk=topic.first_post_id)
    assert post.body == "[phone number removed]" and post.moderator_edited_at is not None
    revision = post.revisions.get()
    assert revision.editor_id == board_mod.pk  # the history shows who changed it
    entry = ModerationAction.objects.get(action="edit")
    assert entry.actor_id == board_mod.pk and SECRET not in entry.before + entry.after


# --- 3. a hierarchy between roles -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["suspend", "ban", "warn"])
def test_a_global_moderator_cannot_act_on_the_admin(gmod, admin, action):
    with pytest.raises(PermissionDenied, match="Only admins can act on an admin"):
        services.act_directly(actor=gmod, action=action, reason="No.", member=admin, days=3,
                              post=make_topic(author=admin).first_post)
    admin.refresh_from_db()
    assert not admin.is_banned and admin.suspended_until is None and admin.warning_count == 0


def test_a_board_moderator_cannot_warn_an_admin_or_delete_an_admins_post(board, board_mod, admin):
    post = make_topic(board=board, author=admin).first_post
    for action in ("warn", "delete", "hide"):
        with pytest.raises(PermissionDenied):
            services.act_directly(actor=board_mod, action=action, reason="x", post=post)
    with pytest.raises(PermissionDenied):
        board_services.post_edit(post=post, editor=board_mod, body="rewritten")
    post.refresh_from_db()
    assert post.deleted_at is None and not post.is_hidden and post.body == "The first post."


def test_board_moderators_cannot_act_on_each_other_but_a_global_moderator_can(board, board_mod, gmod):
    peer = make_board_moderator(board, "peer")
    post = make_topic(board=board, author=peer).first_post
    with pytest.raises(PermissionDenied, match="role is below yours"):
        services.act_directly(actor=board_mod, action="hide", reason="x", post=post)
    services.act_directly(actor=gmod, action="hide", reason="Off topic.", post=post)
    post.refresh_from_db()
    assert post.is_hidden


def test_nobody_moderates_themselves_and_admins_act_on_admins(board, admin, gmod):
    own = make_topic(board=board, author=gmod).first_post
    with pytest.raises(PermissionDenied, match="yourself"):
        services.act_directly(actor=gmod, action="hide", reason="x", post=own)
    other_admin = UserFactory(username="root2", is_superuser=True, is_staff=True)
    services.act_directly(actor=admin, action="warn", reason="Be nice.", member=other_admin,
                          post=make_topic(board=board, author=other_admin).first_post)
    assert User.objects.get(pk=other_admin.pk).warning_count == 1


# --- 4. authority follows the target -----------------------------------------------------------------------


def test_a_case_follows_its_topic_to_the_new_board(client, board, board_mod, admin):
    pastry = BoardFactory(name="Pastry", slug="pastry")
    pastry_mod = make_board_moderator(pastry, "pastrymod")
    topic = make_topic(board=board, replies=1)
    reply = Post.objects.get(topic=topic, position=2)
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=reply)
    held = board_services.post_create(topic=topic, author=UserFactory(rank=newcomer_rank()), body="Held.")
    board_services.topic_retitle_move(topic=topic, actor=admin, title=topic.title, board=pastry)
    case = Case.objects.get(post=reply)
    assert case.board_id == pastry.pk and Case.objects.get(post=held).board_id == pastry.pk

    with pytest.raises(PermissionDenied):  # the old board's moderator no longer moderates it
        services.case_act(case=case, actor=fresh(board_mod), action="delete", reason="Spam.")
    client.force_login(board_mod)
    assert client.post(f"/mod/case/{case.pk}/act/", {"action": "delete", "reason": "Spam."}).status_code == 404

    client.force_login(pastry_mod)  # the new board's moderator sees it and acts
    assert f"/mod/case/{case.pk}/" in client.get("/mod/").content.decode()
    services.post_approve(post=held, moderator=fresh(pastry_mod))
    services.case_act(case=case, actor=fresh(pastry_mod), action="delete", reason="Spam.")
    reply.refresh_from_db()
    held.refresh_from_db()
    assert reply.deleted_at is not None and not held.is_awaiting_approval


# --- 5. banned or suspended members keep no powers ----------------------------------------------------------


def test_banned_or_suspended_veterans_and_moderators_cannot_retitle_or_move(board, board_mod):
    veteran = UserFactory(username="vet", rank=rank_at(3))
    topic = make_topic(board=board)
    make_post(topic=topic, author=veteran)  # active in the board: a Veteran may retitle there
    assert board_services.topic_retitle_move(topic=topic, actor=fresh(veteran), title="Better", board=board)
    from datetime import timedelta

    from django.utils import timezone

    User.objects.filter(pk=veteran.pk).update(is_banned=True)
    User.objects.filter(pk=board_mod.pk).update(suspended_until=timezone.now() + timedelta(days=3))
    for who in (fresh(veteran), fresh(board_mod)):
        with pytest.raises(PermissionDenied):
            board_services.topic_retitle_move(topic=topic, actor=who, title="Worse", board=board)
    assert Topic.objects.get(pk=topic.pk).title == "Better"


def test_a_suspended_moderator_cannot_claim_or_note_and_a_banned_member_cannot_unlike(board, board_mod, topic):
    from datetime import timedelta

    from django.utils import timezone

    reply = make_post(topic=topic)
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=reply)
    case = Case.objects.get(post=reply)
    User.objects.filter(pk=board_mod.pk).update(suspended_until=timezone.now() + timedelta(days=3))
    with pytest.raises(PermissionDenied, match="suspended"):
        services.case_claim(case=case, actor=fresh(board_mod))
    with pytest.raises(PermissionDenied, match="suspended"):
        services.case_add_note(case=case, actor=fresh(board_mod), text="Looking.")
    fan = UserFactory(username="fan")
    board_services.post_like(member=fan, post=reply)
    User.objects.filter(pk=fan.pk).update(is_banned=True)
    with pytest.raises(PermissionDenied, match="banned"):
        board_services.post_unlike(member=fresh(fan), post=reply)
    reply.refresh_from_db()
    assert reply.like_count == 1


# --- 6. deleted text reaches only admins ----------------------------------------------------------------------


def test_deleted_text_is_not_in_the_log_case_page_or_approvals_for_board_moderators(client, board, board_mod, admin):
    topic = make_topic(board=board)
    secret = make_post(topic=topic, body=SECRET)
    after = make_post(topic=topic, body="A neighbour, reported.")
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=after)
    held = board_services.post_create(topic=topic, author=UserFactory(rank=newcomer_rank()),
                                      body=f"Held: {SECRET}")
    services.act_directly(actor=admin, action="delete", reason="Doxxing.", post=secret)
    services.act_directly(actor=admin, action="delete", reason="Doxxing.", post=held)
    client.force_login(board_mod)
    for url in ("/mod/log/", f"/mod/case/{Case.objects.get(post=after).pk}/", "/mod/approvals/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    assert "A neighbour, reported." in client.get(f"/mod/case/{Case.objects.get(post=after).pk}/").content.decode()
    client.force_login(admin)  # admins still read deleted text where it is shown
    assert SECRET in client.get(f"/mod/case/{Case.objects.get(post=after).pk}/").content.decode()


# --- 7. auto-hide does not outlive the decision ---------------------------------------------------------------


def test_dismissing_unhides_and_the_same_reporters_cannot_hide_it_again(settings, board, board_mod, topic):
    settings.HEARTH = {**settings.HEARTH, "AUTO_HIDE_REPORTS": 3, "AUTO_HIDE_MIN_RANK_ORDER": 2}
    reply = make_post(topic=topic, body="An unpopular opinion.")
    reporters = [UserFactory(rank=rank_at(2)) for _ in range(3)]
    for reporter in reporters:
        services.report_create(reporter=reporter, kind="post", reason="abuse", post=reply)
    reply.refresh_from_db()
    assert reply.is_hidden
    services.case_act(case=Case.objects.get(post=reply), actor=board_mod, action="dismiss")
    reply.refresh_from_db()
    assert not reply.is_hidden and reply.cleared_at is not None
    for reporter in reporters:  # the same three again
        services.report_create(reporter=reporter, kind="post", reason="abuse", post=reply)
    reply.refresh_from_db()
    assert not reply.is_hidden
    for _ in range(3):  # three others still can
        services.report_create(reporter=UserFactory(rank=rank_at(2)), kind="post", reason="abuse", post=reply)
    reply.refresh_from_db()
    assert reply.is_hidden


def test_staff_posts_are_never_hidden_automatically(settings, board, board_mod, gmod):
    settings.HEARTH = {**settings.HEARTH, "AUTO_HIDE_REPORTS": 1, "AUTO_HIDE_MIN_RANK_ORDER": 2}
    for staff in (board_mod, gmod):
        post = make_topic(board=board, author=staff).first_post
        services.report_create(reporter=UserFactory(rank=rank_at(3)), kind="post", reason="abuse", post=post)
        post.refresh_from_db()
        assert not post.is_hidden, staff.username


# --- 9. counters and last posts stay exact ---------------------------------------------------------------------


def assert_counters_exact() -> None:
    """Every board's and topic's counters and last posts, against a recount from scratch."""
    visible = Q(is_hidden=False, is_awaiting_approval=False, deleted_at__isnull=True)
    for board in Board.objects.all():
        topics = Topic.objects.filter(board=board, is_hidden=False)
        posts = Post.objects.filter(topic__board=board, topic__is_hidden=False)
        last = posts.filter(visible).order_by("-id").values_list("id", flat=True).first()
        assert (board.topic_count, board.post_count, board.last_post_id) == (topics.count(), posts.count(), last), \
            board.name
    for topic in Topic.objects.annotate(n=Count("posts")):
        last = topic.posts.filter(visible).order_by("-position").values_list("id", flat=True).first()
        assert (topic.post_count, topic.last_post_id) == (topic.n, last), topic.title


def test_counters_stay_exact_through_every_moderation_path(board, board_mod, admin):
    pastry = BoardFactory(name="Pastry", slug="pastry")
    topic = make_topic(board=board, replies=3)
    newbie = UserFactory(rank=newcomer_rank())
    held_topic = board_services.topic_create(board=board, author=newbie, title="Held", body="Hello.")
    held_reply = board_services.post_create(topic=topic, author=newbie, body="Held reply.")
    assert_counters_exact()  # a held reply is not the topic's last post
    with pytest.raises(ValidationError, match="approve the post instead"):
        services.act_directly(actor=admin, action="unhide_topic", reason="x", topic=held_topic)
    assert_counters_exact()
    services.post_approve(post=held_topic.first_post, moderator=board_mod)
    assert_counters_exact()
    last = Post.objects.filter(topic=topic).order_by("-position").exclude(pk=held_reply.pk).first()
    for action in ("hide", "unhide", "delete"):
        services.act_directly(actor=admin, action=action, reason="x", post=last)
        assert_counters_exact()  # the last-post columns never name a hidden or deleted post
    services.act_directly(actor=admin, action="restore", reason="x", post=last)
    assert_counters_exact()
    services.post_reject(post=held_reply, moderator=board_mod, reason="No ads.")
    assert_counters_exact()
    for action in ("hide_topic", "unhide_topic", "lock", "pin"):
        services.act_directly(actor=admin, action=action, reason="x", topic=topic)
        assert_counters_exact()
    services.act_directly(actor=admin, action="move", reason="x", topic=topic, board=pastry)
    assert_counters_exact()
    services.act_directly(actor=admin, action="delete", reason="x", post=topic.first_post)
    assert_counters_exact()


# --- 10. odd numbers are 404s or form errors, never 500s -------------------------------------------------------


@pytest.mark.parametrize("url", ["/report/post/%C2%B2/", "/report/topic/%C2%B2/", "/report/post/9" + "9" * 30 + "/"])
def test_odd_ids_are_not_found(client, member, url):
    client.force_login(member)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["²", "9" * 25, "-1", "1e3", "٣"])
def test_odd_page_numbers_never_fail(client, board, topic, admin, page):
    client.force_login(admin)
    for url in ("/mod/log/", board.get_absolute_url(), topic.get_absolute_url(), "/members/"):
        response = client.get(url, {"page": page})
        assert response.status_code in (200, 302), (url, response.status_code)


def test_odd_days_and_case_ids_are_form_errors(client, board, topic, admin):
    reply = make_post(topic=topic)
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=reply)
    case = Case.objects.get(post=reply)
    client.force_login(admin)
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "suspend", "reason": "x", "days": "²"},
                           follow=True)
    assert response.status_code == 200 and "Suspend for 1 to 365 days." in response.content.decode()
    response = client.post("/mod/bulk/", {"action": "dismiss", "cases": ["²", "9" * 30]}, follow=True)
    assert response.status_code == 200 and "Tick the cases to handle first." in response.content.decode()


# --- a GET credits at most the posts it shows --------------------------------------------------------------


def test_opening_a_deep_page_credits_only_the_posts_shown(client, board, settings):
    topic = make_topic(board=board, replies=99)  # 100 posts: five pages of 20
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert client.get(topic.get_absolute_url(), {"page": 5}).status_code == 200
    reader.refresh_from_db()
    assert (reader.posts_read, reader.topics_entered) == (20, 1)  # page 5 shows posts 81-100
    assert client.get(topic.get_absolute_url(), {"page": 5}).status_code == 200
    reader.refresh_from_db()
    assert reader.posts_read == 20  # re-reading counts nothing
    assert client.get(topic.get_absolute_url(), {"page": 1}).status_code == 200
    reader.refresh_from_db()
    assert reader.posts_read == 20  # behind the read position: nothing new either
