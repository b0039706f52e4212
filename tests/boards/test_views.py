"""The boards pages through the test client: what each page shows and where each link leads."""
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from boards import services
from boards.models import Board, Post, PostRevision, Topic
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
from tests.helpers import html, topic_url

pytestmark = pytest.mark.django_db


def set_last_activity(topic, when):
    Topic.objects.filter(pk=topic.pk).update(last_post_at=when)


# --- board index ---------------------------------------------------------------------------------


def test_the_index_lists_each_board_with_its_focus_and_counts(client, board, topic):
    make_post(topic=topic, author=UserFactory(username="bob"), body="Feed it twice a day.")
    other = BoardFactory(name="Rye", slug="rye", description="Dense and sour.")

    response = client.get("/")

    assert response.status_code == 200
    page = html(response)
    assert "Sourdough" in page and "All about starters." in page
    assert "Rye" in page and "Dense and sour." in page
    assert f'href="{board.get_absolute_url()}"' in page
    assert f'href="{other.get_absolute_url()}"' in page
    boards = {b.pk: b for b in response.context["lists"]["active"]}
    assert (boards[board.pk].topic_count, boards[board.pk].post_count) == (1, 2)
    assert (boards[other.pk].topic_count, boards[other.pk].post_count) == (0, 0)
    assert "<dd>1</dd>" in page and "<dd>2</dd>" in page
    assert "No posts yet." in page  # the empty board


def test_the_index_shows_the_last_post_with_its_author_and_a_link_to_it(client, board, topic):
    last = make_post(topic=topic, author=UserFactory(username="bob"), body="Feed it twice a day.")

    page = html(client.get("/"))

    assert f'href="/p/{last.pk}/"' in page
    assert "My starter is sluggish" in page
    assert "by bob" in page


def test_the_index_puts_archived_boards_in_their_own_section(client, board):
    BoardFactory(name="Old news", slug="old-news", is_archived=True)

    response = client.get("/")

    assert [b.name for b in response.context["lists"]["active"]] == ["Sourdough"]
    assert [b.name for b in response.context["lists"]["archived"]] == ["Old news"]
    assert "Archived boards" in html(response)


# --- board page ----------------------------------------------------------------------------------


def test_a_board_page_shows_its_focus_and_rules_at_the_top(client, board):
    Board.objects.filter(pk=board.pk).update(rules="Be kind.", rules_html="<p>Be kind to bakers.</p>")

    response = client.get("/b/sourdough/")

    assert response.status_code == 200
    page = html(response)
    header = page[page.index('<header class="board-header">'):page.index("</header>", page.index("board-header"))]
    assert "All about starters." in header
    assert "Board rules" in header and "<p>Be kind to bakers.</p>" in header
    assert "archived" not in header


def test_a_board_page_lists_pinned_topics_first_then_by_last_activity(client, board, member):
    now = timezone.now()
    old = make_topic(board=board, author=member, title="Old topic", body="old")
    fresh = make_topic(board=board, author=member, title="Fresh topic", body="fresh")
    middle = make_topic(board=board, author=member, title="Middle topic", body="middle")
    pinned = make_topic(board=board, author=member, title="Pinned but quiet", body="rules")
    set_last_activity(old, now - timedelta(days=3))
    set_last_activity(middle, now - timedelta(days=2))
    set_last_activity(fresh, now - timedelta(days=1))
    set_last_activity(pinned, now - timedelta(days=30))
    Topic.objects.filter(pk=pinned.pk).update(is_pinned=True)

    response = client.get("/b/sourdough/")

    assert [t.title for t in response.context["topics"]] == [
        "Pinned but quiet", "Fresh topic", "Middle topic", "Old topic",
    ]
    page = html(response)
    positions = [page.index(title) for title in ("Pinned but quiet", "Fresh topic", "Middle topic", "Old topic")]
    assert positions == sorted(positions)
    assert "Pinned" in page


def test_a_board_page_shows_25_topics_per_page(client, board, member):
    start = timezone.now() - timedelta(days=1)
    topics = [make_topic(board=board, author=member, title=f"Topic {i:02d}", body=f"body {i}") for i in range(27)]
    for i, topic in enumerate(topics):
        set_last_activity(topic, start + timedelta(minutes=i))  # Topic 26 is the newest

    first = client.get("/b/sourdough/")
    second = client.get("/b/sourdough/?page=2")

    assert len(first.context["topics"]) == 25
    assert first.context["topics"][0].title == "Topic 26"
    assert [t.title for t in second.context["topics"]] == ["Topic 01", "Topic 00"]
    assert 'href="/b/sourdough/?page=2"' in html(first)
    assert "Page 2 of 2" in html(second)


def test_a_board_page_links_each_topic_and_its_last_post(client, board, topic):
    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Warmer water.")

    page = html(client.get("/b/sourdough/"))

    assert f'href="{topic_url(topic)}"' in page
    assert f'href="/p/{reply.pk}/"' in page
    assert 'href="/u/alice/"' in page
    assert "bob" in page


def test_an_archived_board_says_so_and_offers_no_new_topic_button(member_client):
    BoardFactory(name="Old news", slug="old-news", is_archived=True)

    page = html(member_client.get("/b/old-news/"))

    assert "This board is archived" in page
    assert "Start a topic" not in page


def test_hidden_topics_are_left_off_the_board_page(client, board, member):
    make_topic(board=board, author=member, title="Visible topic", body="a")
    hidden = make_topic(board=board, author=member, title="Secret topic", body="b")
    Topic.objects.filter(pk=hidden.pk).update(is_hidden=True)

    page = html(client.get("/b/sourdough/"))

    assert "Visible topic" in page
    assert "Secret topic" not in page


# --- starting a topic ----------------------------------------------------------------------------


def test_a_verified_member_gets_the_new_topic_form(member_client, board):
    response = member_client.get("/b/sourdough/new/")

    assert response.status_code == 200
    page = html(response)
    assert 'name="title"' in page and 'name="body"' in page
    assert "Start a topic in Sourdough" in page


def test_posting_the_new_topic_form_creates_the_topic_and_redirects_to_it(member_client, board, member):
    response = member_client.post("/b/sourdough/new/", {"title": "Crumb shots", "body": "Show your **crumb**."})

    topic = Topic.objects.get(board=board)
    assert response.status_code == 302
    assert response["Location"] == topic_url(topic)
    assert (topic.title, topic.author, topic.post_count) == ("Crumb shots", member, 1)
    assert topic.first_post.body == "Show your **crumb**."
    page = html(member_client.get(response["Location"]))
    assert "<strong>crumb</strong>" in page


def test_previewing_a_new_topic_renders_it_and_creates_nothing(member_client, board):
    response = member_client.post(
        "/b/sourdough/new/", {"title": "Crumb shots", "body": "Show your **crumb**.", "preview": "1"}
    )

    assert response.status_code == 200
    page = html(response)
    assert "<strong>crumb</strong>" in page
    assert 'id="preview-heading"' in page
    assert "Crumb shots" in page  # the form keeps what was typed
    assert Topic.objects.count() == 0
    assert Post.objects.count() == 0


def test_a_chinese_title_gets_a_readable_unicode_slug(member_client, board):
    response = member_client.post("/b/sourdough/new/", {"title": "第一次做欧包", "body": "好吃吗？"})

    topic = Topic.objects.get()
    assert topic.slug == "第一次做欧包"
    location = response["Location"]
    assert location == f"/t/{topic.pk}/{quote('第一次做欧包')}/"
    assert quote("第一次做欧包") in location
    page = html(member_client.get(location))
    assert "第一次做欧包" in page


# --- topic page ----------------------------------------------------------------------------------


def test_a_topic_page_shows_posts_in_order_with_author_and_permalink(client, topic):
    bob = UserFactory(username="bob")
    first_reply = make_post(topic=topic, author=bob, body="Feed it twice a day.")
    second_reply = make_post(topic=topic, author=UserFactory(username="carol"), body="Keep it warm.")

    response = client.get(topic_url(topic))

    assert response.status_code == 200
    page = html(response)
    bodies = ["Help please.", "Feed it twice a day.", "Keep it warm."]
    positions = [page.index(body) for body in bodies]
    assert positions == sorted(positions)
    assert [p.position for p in response.context["posts"]] == [1, 2, 3]
    for post in (topic.first_post, first_reply, second_reply):
        assert f'id="p{post.pk}"' in page
        assert f'href="/p/{post.pk}/"' in page
    for name in ("alice", "bob", "carol"):
        assert f'href="/u/{name}/">{name}</a>' in page


def test_a_topic_page_shows_20_posts_per_page(client, board, member):
    topic = make_topic(board=board, author=member, title="Long thread", body="Post one.", replies=24)

    first = client.get(topic_url(topic))
    second = client.get(topic_url(topic, 2))

    assert [p.position for p in first.context["posts"]] == list(range(1, 21))
    assert [p.position for p in second.context["posts"]] == list(range(21, 26))
    assert f'href="{topic_url(topic, 2)}"' in html(first)
    assert "Page 2 of 2" in html(second)


def test_someone_who_can_reply_sees_reply_and_quote_links_on_each_post(member_client, topic):
    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Feed it.")

    page = html(member_client.get(topic_url(topic)))

    for post in (topic.first_post, reply):
        assert f'href="/t/{topic.pk}/reply/?to={post.pk}"' in page
        assert f'href="/t/{topic.pk}/reply/?quote={post.pk}"' in page
    assert 'name="body"' in page  # the reply box at the bottom


def test_a_visitor_sees_no_reply_links_but_a_way_to_log_in(client, topic):
    page = html(client.get(topic_url(topic)))

    assert "?to=" not in page and "?quote=" not in page
    assert "Log in</a> or <a" in page and "to reply." in page
    assert "/accounts/login/?next=" in page


def test_a_member_sees_why_they_cannot_reply_to_a_locked_topic(member_client, topic):
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)

    page = html(member_client.get(topic_url(topic)))

    assert "This topic is locked." in page
    assert "?to=" not in page


def test_an_edited_post_is_marked_edited(member_client, topic):
    post = topic.first_post
    assert 'class="edited"' not in html(member_client.get(topic_url(topic)))

    member_client.post(f"/p/{post.pk}/edit/", {"title": topic.title, "body": "Help please, urgently."})

    page = html(member_client.get(topic_url(topic)))
    assert 'class="edited"' in page
    assert "Help please, urgently." in page


def test_a_reply_to_a_post_links_back_to_it(client, topic):
    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Which flour?",
                      reply_to=topic.first_post)

    page = html(client.get(topic_url(topic)))

    article = page[page.index(f'id="p{reply.pk}"'):]
    assert f'<a href="/p/{topic.first_post.pk}/">in reply to alice</a>' in article


def test_the_short_topic_url_redirects_permanently_to_the_canonical_one(client, topic):
    response = client.get(f"/t/{topic.pk}/")

    assert response.status_code == 301
    assert response["Location"] == topic_url(topic)


def test_a_wrong_slug_redirects_to_the_canonical_url_keeping_the_page(client, board, member):
    topic = make_topic(board=board, author=member, title="Long thread", body="Post one.", replies=24)

    response = client.get(f"/t/{topic.pk}/some-old-title/?page=2")

    assert response.status_code in (301, 302)
    assert response["Location"] == f"{topic_url(topic)}?page=2"
    assert client.get(f"/t/{topic.pk}/some-old-title/")["Location"] == topic_url(topic)


# --- replying ------------------------------------------------------------------------------------


def test_a_member_gets_the_reply_form(member_client, topic):
    response = member_client.get(f"/t/{topic.pk}/reply/")

    assert response.status_code == 200
    assert 'name="body"' in html(response)


def test_replying_adds_the_post_and_redirects_to_it(member_client, topic, member):
    response = member_client.post(f"/t/{topic.pk}/reply/", {"body": "Thanks, it worked."})

    post = Post.objects.get(topic=topic, position=2)
    assert (post.author, post.body, post.reply_to) == (member, "Thanks, it worked.", None)
    assert response.status_code == 302
    assert response["Location"] == f"{topic_url(topic)}#p{post.pk}"


def test_replying_via_the_reply_link_records_which_post_it_answers(member_client, topic):
    bob_post = make_post(topic=topic, author=UserFactory(username="bob"), body="Use rye flour.")

    form_page = html(member_client.get(f"/t/{topic.pk}/reply/?to={bob_post.pk}"))
    assert "In reply to bob" in form_page
    match = re.search(r'<input type="hidden" name="reply_to" value="(\d+)"', form_page)
    assert match and int(match.group(1)) == bob_post.pk

    member_client.post(f"/t/{topic.pk}/reply/", {"body": "Which rye?", "reply_to": match.group(1)})

    reply = Post.objects.get(topic=topic, body="Which rye?")
    assert reply.reply_to == bob_post


def test_quoting_a_post_prefills_a_markdown_blockquote_with_attribution(member_client, topic):
    bob_post = make_post(topic=topic, author=UserFactory(username="bob"),
                         body="Use rye flour.\n\nAnd keep it warm.")

    response = member_client.get(f"/t/{topic.pk}/reply/?quote={bob_post.pk}")

    assert response.status_code == 200
    body = response.context["form"]["body"].value()
    assert body.startswith("**bob** wrote:\n> Use rye flour.\n>\n> And keep it warm.")
    assert "**bob** wrote:\n&gt; Use rye flour." in html(response)


def test_quoting_a_hidden_post_does_not_reveal_its_body(member_client, topic):
    bob_post = make_post(topic=topic, author=UserFactory(username="bob"), body="My phone number is 555-0100.")
    Post.objects.filter(pk=bob_post.pk).update(is_hidden=True, hidden_reason="personal details")

    response = member_client.get(f"/t/{topic.pk}/reply/?quote={bob_post.pk}")

    assert "555-0100" not in html(response)


# --- permalinks ----------------------------------------------------------------------------------


def test_a_permalink_redirects_to_the_page_holding_the_post(client, board, member):
    topic = make_topic(board=board, author=member, title="Long thread", body="Post one.", replies=24)
    on_page_two = Post.objects.get(topic=topic, position=22)
    on_page_one = Post.objects.get(topic=topic, position=20)

    response = client.get(f"/p/{on_page_two.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"{topic_url(topic, 2)}#p{on_page_two.pk}"
    assert client.get(f"/p/{on_page_one.pk}/")["Location"] == f"{topic_url(topic)}#p{on_page_one.pk}"
    followed = client.get(response["Location"])
    assert f'id="p{on_page_two.pk}"' in html(followed)


# --- editing -------------------------------------------------------------------------------------


def test_the_author_can_edit_within_the_window_and_a_revision_is_kept(member_client, topic, member):
    reply = make_post(topic=topic, author=member, body="Frist!")

    form = member_client.get(f"/p/{reply.pk}/edit/")
    assert form.status_code == 200
    assert "Frist!" in html(form)
    response = member_client.post(f"/p/{reply.pk}/edit/", {"body": "First!"})

    assert response.status_code == 302
    assert response["Location"] == f"/p/{reply.pk}/"
    reply.refresh_from_db()
    assert (reply.body, reply.edit_count) == ("First!", 1)
    assert reply.edited_at is not None
    revision = PostRevision.objects.get(post=reply)
    assert (revision.body, revision.editor) == ("Frist!", member)


def test_the_author_can_retitle_the_topic_by_editing_its_first_post(member_client, topic):
    response = member_client.post(f"/p/{topic.first_post.pk}/edit/",
                                  {"title": "My starter is alive", "body": "Help please."})

    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.title, topic.slug) == ("My starter is alive", "my-starter-is-alive")


def test_the_author_cannot_edit_after_the_window(member_client, topic, member, settings):
    reply = make_post(topic=topic, author=member, body="Old words.")
    minutes = settings.HEARTH["EDIT_WINDOW_MINUTES"]
    Post.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(minutes=minutes + 1))

    get = member_client.get(f"/p/{reply.pk}/edit/")
    post = member_client.post(f"/p/{reply.pk}/edit/", {"body": "New words."})

    assert get.status_code == 403 and post.status_code == 403
    assert "can no longer be edited" in html(post)
    reply.refresh_from_db()
    assert reply.body == "Old words."
    assert not PostRevision.objects.exists()


def test_another_member_cannot_edit_a_post(client, topic):
    client.force_login(UserFactory(username="mallory"))

    response = client.post(f"/p/{topic.first_post.pk}/edit/", {"title": topic.title, "body": "Pwned."})

    assert response.status_code == 403
    assert "Only the author or a moderator can edit this post." in html(response)
    assert Post.objects.get(pk=topic.first_post.pk).body == "Help please."


def test_a_moderator_can_edit_any_post_even_an_old_one(client, topic, moderator, settings):
    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Buy my pills.")
    minutes = settings.HEARTH["EDIT_WINDOW_MINUTES"]
    Post.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(minutes=minutes + 60))
    client.force_login(moderator)

    response = client.post(f"/p/{reply.pk}/edit/", {"body": "[spam removed]"})

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "[spam removed]"
    assert PostRevision.objects.get(post=reply).editor == moderator


def test_moderators_can_see_earlier_versions_and_members_cannot(client, member_client, topic, moderator):
    post = topic.first_post
    member_client.post(f"/p/{post.pk}/edit/", {"title": topic.title, "body": "Help please, v2."})

    assert member_client.get(f"/p/{post.pk}/revisions/").status_code == 403

    client.force_login(moderator)
    topic_page = html(client.get(topic_url(topic)))
    assert f'href="/p/{post.pk}/revisions/"' in topic_page
    response = client.get(f"/p/{post.pk}/revisions/")
    assert response.status_code == 200
    page = html(response)
    assert "Help please, v2." in page  # current
    assert "Help please.</pre>" in page  # the earlier version
    assert "Before an edit by alice" in page


# --- language and time zone ----------------------------------------------------------------------


def test_switching_the_language_to_simplified_chinese_changes_the_page_language(client, board):
    assert '<html lang="en">' in html(client.get("/"))

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert response.status_code == 302
    assert '<html lang="zh-hans">' in html(client.get("/"))


def test_a_member_with_a_time_zone_sees_times_in_it(client, topic):
    shanghai = UserFactory(username="lihua", timezone="Asia/Shanghai")
    Post.objects.filter(pk=topic.first_post.pk).update(created_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC))

    client.force_login(shanghai)
    page = html(client.get(topic_url(topic)))

    assert 'datetime="2024-01-02T03:04:00+00:00" title="2024-01-02 11:04 CST"' in page


def test_a_visitor_sees_times_in_the_site_time_zone(client, topic):
    Post.objects.filter(pk=topic.first_post.pk).update(created_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC))

    page = html(client.get(topic_url(topic)))

    assert 'title="2024-01-02 03:04 UTC"' in page


# --- what differs from one viewer to the next (must survive any caching of pages) -----------------


def test_each_viewer_sees_times_in_their_own_time_zone_on_the_same_page(client, topic):
    Post.objects.filter(pk=topic.first_post.pk).update(created_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC))
    url = topic_url(topic)

    as_visitor = html(client.get(url))
    client.force_login(UserFactory(username="lihua", timezone="Asia/Shanghai"))
    as_shanghai = html(client.get(url))
    client.force_login(UserFactory(username="jane", timezone="America/New_York"))
    as_new_york = html(client.get(url))

    assert 'title="2024-01-02 03:04 UTC"' in as_visitor
    assert 'title="2024-01-02 11:04 CST"' in as_shanghai
    assert 'title="2024-01-01 22:04 EST"' in as_new_york


def test_edit_and_reply_links_belong_to_the_viewer_not_to_whoever_loaded_the_page_first(client, topic, member):
    url = topic_url(topic)
    edit_link = f'href="/p/{topic.first_post.pk}/edit/"'

    client.force_login(member)
    as_author = html(client.get(url))
    client.force_login(UserFactory(username="bob"))
    as_other = html(client.get(url))
    client.logout()
    as_visitor = html(client.get(url))

    assert edit_link in as_author
    assert edit_link not in as_other
    assert f"?to={topic.first_post.pk}" in as_other
    assert edit_link not in as_visitor and "?to=" not in as_visitor
    assert "Log in</a> or <a" in as_visitor
    assert 'href="/u/bob/">bob</a>' not in as_visitor  # the header belongs to the viewer too


def test_each_viewer_gets_the_page_in_their_language(client, topic):
    url = topic_url(topic)

    english = html(client.get(url))
    chinese_client_response = client.get(url, headers={"accept-language": "zh-hans"})

    assert '<html lang="en">' in english
    assert '<html lang="zh-hans">' in html(chinese_client_response)


def test_a_visitor_sees_new_replies_and_edits_at_once(client, board, topic, member):
    url = topic_url(topic)
    assert "Feed it twice a day." not in html(client.get(url))
    assert "<td class=\"num\">0</td>" in html(client.get("/b/sourdough/"))

    reply = make_post(topic=topic, author=UserFactory(username="bob"), body="Feed it twice a day.")
    assert "Feed it twice a day." in html(client.get(url))
    board_page = html(client.get("/b/sourdough/"))
    assert "<td class=\"num\">1</td>" in board_page
    assert f'href="/p/{reply.pk}/"' in board_page

    services.post_edit(post=reply, editor=reply.author, body="Feed it three times a day.")
    page = html(client.get(url))
    assert "Feed it three times a day." in page and 'class="edited"' in page


def test_a_visitor_sees_new_and_retitled_topics_on_the_board_at_once(client, board, topic, member):
    assert "My starter is sluggish" in html(client.get("/b/sourdough/"))

    make_topic(board=board, author=UserFactory(username="bob"), title="Banneton care", body="Mould?")
    services.post_edit(post=topic.first_post, editor=member, body="Help please.", title="My starter is alive")

    page = html(client.get("/b/sourdough/"))
    assert "Banneton care" in page
    assert "My starter is alive" in page and "My starter is sluggish" not in page
