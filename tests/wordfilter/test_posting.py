"""The word filter where members write: new topics, replies, edits (the same checks as new posts), the
approval case naming the term, usernames at signup, and the admin's import/export pages."""
import pytest

from boards import services
from boards.models import Post, Topic
from members.models import User
from moderation.models import Case
from moderation.services import post_approve
from tests.factories import UserFactory, make_topic, rank_at
from tests.helpers import human_signup_fields, page_text
from wordfilter.models import FilterSettings, Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def words(db):
    Term.objects.create(term="广告", action="block")
    Term.objects.create(term="代购", action="hold")
    Term.objects.create(term="傻瓜", action="replace")
    Term.objects.create(term="idiot", action="replace", replacement="[…]")


def test_a_blocked_term_refuses_a_new_topic_names_the_rule_and_stores_nothing(client, member, board, words):
    client.force_login(member)
    response = client.post(f"/b/{board.slug}/new/", {"title": "你好", "body": "看这个免费广告"})
    assert response.status_code == 200
    assert "广告" in page_text(response) and "word filter" in page_text(response)
    assert not Topic.objects.filter(author=member).exists()


def test_a_blocked_term_in_the_title_is_refused_on_the_title(client, member, board, words):
    client.force_login(member)
    response = client.post(f"/b/{board.slug}/new/", {"title": "ＦＲＥＥ 广 告? no: 广告", "body": "hello"})
    assert response.status_code == 200 and "The title contains" in page_text(response)
    assert not Topic.objects.filter(author=member).exists()


def test_a_replaced_term_is_stored_replaced(client, member, topic, words):
    client.force_login(member)
    client.post(f"/t/{topic.pk}/reply/", {"body": "你这个傻瓜, you ＩＤＩＯＴ"})
    post = Post.objects.filter(topic=topic).latest("position")
    assert post.body == "你这个**, you […]"
    assert "傻瓜" not in post.body_html


def test_a_held_reply_waits_and_its_case_names_the_term(client, member, topic, words, moderator):
    client.force_login(member)
    response = client.post(f"/t/{topic.pk}/reply/", {"body": "专业代购，请联系"})
    assert response.status_code == 302
    post = Post.objects.filter(topic=topic).latest("position")
    assert post.is_awaiting_approval
    case = Case.objects.get(post=post)
    assert case.is_approval and "代购" in case.held_because
    client.force_login(moderator)
    assert "代购" in page_text(client.get(f"/mod/case/{case.pk}/"))
    assert "代购" in page_text(client.get("/mod/approvals/"))


def test_a_held_new_topic_is_off_the_board(member, board, words):
    topic = services.topic_create(board=board, author=member, title="代购 here", body="hello")
    assert topic.is_hidden and topic.first_post.is_awaiting_approval
    assert "代购" in Case.objects.get(post=topic.first_post).held_because


def test_the_exempt_rank_and_the_boards_moderators_are_not_held_but_still_blocked(board, words, board_mod):
    FilterSettings.objects.update_or_create(pk=1, defaults={"hold_exempt_rank": rank_at(2)})
    regular = UserFactory(username="regular", rank=rank_at(2))
    topic = services.topic_create(board=board, author=regular, title="代购", body="代购")
    assert not topic.is_hidden
    reply = services.post_create(topic=topic, author=board_mod, body="代购 too")
    assert not reply.is_awaiting_approval
    member = UserFactory(username="plain")
    assert services.post_create(topic=topic, author=member, body="代购").is_awaiting_approval
    for writer in (regular, board_mod):
        with pytest.raises(Exception) as caught:
            services.post_create(topic=topic, author=writer, body="广告")
        assert "广告" in str(caught.value)


def test_an_edit_goes_through_the_same_checks(client, member, board, words):
    topic = make_topic(board=board, author=member, title="Fine title", body="Fine body")
    post = topic.first_post
    client.force_login(member)
    refused = client.post(f"/p/{post.pk}/edit/", {"title": "Fine title", "body": "now with 广告"})
    assert refused.status_code == 200 and "广告" in page_text(refused)
    assert Post.objects.get(pk=post.pk).body == "Fine body"

    client.post(f"/p/{post.pk}/edit/", {"title": "傻瓜 title", "body": "Fine body, idiot"})
    post.refresh_from_db()
    assert post.body == "Fine body, […]" and Topic.objects.get(pk=topic.pk).title == "** title"

    client.post(f"/p/{post.pk}/edit/", {"title": "** title", "body": "代购 now"})
    post.refresh_from_db()
    assert post.is_awaiting_approval and Topic.objects.get(pk=topic.pk).is_hidden
    assert "代购" in Case.objects.get(post=post).held_because


def test_an_approved_post_is_not_held_again_for_a_term_it_already_had(member, board, words, moderator):
    topic = services.topic_create(board=board, author=member, title="Hello", body="代购")
    post_approve(post=topic.first_post, moderator=moderator)
    post = services.post_edit(post=topic.first_post, editor=member, body="代购, edited")
    assert not post.is_awaiting_approval


def test_a_username_with_a_filtered_term_is_refused_at_signup(client, words):
    password = "correct horse battery"
    response = client.post("/accounts/signup/", {"username": "我是傻瓜", "email": "x@example.com",
                                                 "password1": password, "password2": password,
                                                 **human_signup_fields()})
    assert response.status_code == 200 and "傻瓜" in page_text(response)
    assert not User.objects.filter(email="x@example.com").exists()


def test_the_admin_imports_and_exports_the_list_as_text(admin_client):
    response = admin_client.post("/admin/wordfilter/term/import/", {"text": "广告={BLOCK}\n傻瓜\n"})
    assert response.status_code == 302
    assert Term.objects.get(term="广告").action == "block"
    exported = admin_client.get("/admin/wordfilter/term/export/")
    assert exported.status_code == 200 and exported.content.decode() == "傻瓜\n广告={BLOCK}\n"
    bad = admin_client.post("/admin/wordfilter/term/import/", {"text": "/(/"})
    assert bad.status_code == 200 and "line 1" in bad.content.decode()
    assert admin_client.get("/admin/wordfilter/term/").status_code == 200


def test_members_cannot_reach_the_import_page(member_client):
    assert member_client.get("/admin/wordfilter/term/import/").status_code == 302  # to the admin login
