"""The moderation pages: the queue (/mod/) with its order and filters, the header's open-case count, the
case page (content in context, reporters, the member's record, internal notes, history), claiming, the
log (/mod/log/) and its filters, and a fixed number of queries however much each page lists."""
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from boards import services as board_services
from boards.models import Post, Topic
from members.models import User
from members.services import visit_record
from moderation import services
from moderation.models import Case, ModerationAction, Report
from notices.models import Notice
from tests.factories import UserFactory, fresh, make_post, make_topic, newcomer_rank, rank_at
from tests.helpers import age, assert_constant, login, messages_in, page, queries_for

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
NOTE = "Internal: this looks like the same spammer as last week"


def listed_cases(response) -> list[int]:
    ids = [int(i) for i in re.findall(r'href="/mod/case/(\d+)/"', response.content.decode())]
    return list(dict.fromkeys(ids))


def report_post(post, *orders, reason="spam", note=""):
    for order in orders:
        services.report_create(reporter=UserFactory(rank=rank_at(order)), kind="post", reason=reason, note=note,
                               post=post)
    return Case.objects.get(post=post, state__in=["open", "in_progress"])


# --- the queue --------------------------------------------------------------------------------------


def test_the_queue_is_ordered_by_weight_then_age(client, board, topic, moderator):
    posts = [make_post(topic=topic, author=UserFactory(), body=f"Post {i}") for i in range(4)]
    light_old = report_post(posts[0], 1)          # weight 1
    heavy_old = report_post(posts[1], 3)          # weight 3
    heavy_new = report_post(posts[2], 1, 2)       # weight 3
    middle = report_post(posts[3], 2)             # weight 2
    age(light_old, 100)
    age(heavy_old, 50)
    age(heavy_new, 1)
    age(middle, 200)
    login(client, moderator)
    assert listed_cases(client.get("/mod/")) == [heavy_old.pk, heavy_new.pk, middle.pk, light_old.pk]


def test_board_moderators_see_their_boards_cases_only(client, board, pastry, topic, board_mod, moderator,
                                                      admin_user):
    mine = report_post(make_post(topic=topic, author=UserFactory(), body="Mine"), 1)
    elsewhere = make_topic(board=pastry, author=UserFactory(), title="Croissants")
    theirs = report_post(make_post(topic=elsewhere, author=UserFactory(), body="Theirs"), 1)
    services.report_create(reporter=UserFactory(), kind="member", reason="abuse", member=topic.author)
    member_case = Case.objects.get(kind="member")
    login(client, board_mod)
    assert listed_cases(client.get("/mod/")) == [mine.pk]
    for who in (moderator, admin_user):
        login(client, who)
        assert set(listed_cases(client.get("/mod/"))) == {mine.pk, theirs.pk, member_case.pk}


def test_the_queue_filters_by_board_reason_and_state(client, board, pastry, topic, moderator):
    spam = report_post(make_post(topic=topic, author=UserFactory(), body="Spam"), 1, reason="spam")
    abuse = report_post(make_post(topic=topic, author=UserFactory(), body="Abuse"), 1, reason="abuse")
    elsewhere = make_topic(board=pastry, author=UserFactory(), title="Croissants")
    pastry_case = report_post(make_post(topic=elsewhere, author=UserFactory(), body="Pastry"), 1, reason="spam")
    done = report_post(make_post(topic=topic, author=UserFactory(), body="Done"), 1, reason="spam")
    mod = fresh(moderator)
    services.case_act(case=done, actor=mod, action="dismiss")
    services.case_claim(case=abuse, actor=mod)
    held = board_services.post_create(topic=topic, author=UserFactory(rank=newcomer_rank()), body="Held")
    approval = Case.objects.get(post=held)

    login(client, moderator)
    assert set(listed_cases(client.get("/mod/"))) == {spam.pk, abuse.pk, pastry_case.pk, approval.pk}
    assert set(listed_cases(client.get(f"/mod/?board={pastry.pk}"))) == {pastry_case.pk}
    assert set(listed_cases(client.get(f"/mod/?board={board.pk}"))) == {spam.pk, abuse.pk, approval.pk}
    assert set(listed_cases(client.get("/mod/?reason=abuse"))) == {abuse.pk}
    assert set(listed_cases(client.get("/mod/?reason=spam"))) == {spam.pk, pastry_case.pk}
    assert set(listed_cases(client.get("/mod/?reason=approval", follow=True))) == {approval.pk}  # /mod/approvals/
    assert set(listed_cases(client.get("/mod/?state=in_progress"))) == {abuse.pk}
    assert set(listed_cases(client.get("/mod/?state=open"))) == {spam.pk, pastry_case.pk, approval.pk}
    assert set(listed_cases(client.get("/mod/?state=resolved"))) == {done.pk}
    assert set(listed_cases(client.get(f"/mod/?board={board.pk}&reason=spam"))) == {spam.pk}


def test_a_board_moderator_filtering_by_another_board_sees_nothing_of_it(client, pastry, board_mod):
    elsewhere = make_topic(board=pastry, author=UserFactory(), title="Croissants")
    report_post(make_post(topic=elsewhere, author=UserFactory(), body="Pastry"), 1)
    login(client, board_mod)
    response = client.get(f"/mod/?board={pastry.pk}")
    assert response.status_code == 200 and listed_cases(response) == []
    assert "Pastry" not in page(response)


@pytest.mark.parametrize("query", ["board=abc", "board=99999999999999999999", "reason=nope", "state=nope",
                                   "board=-1", "page=x"])
def test_bad_filters_are_not_errors(client, moderator, query):
    login(client, moderator)
    assert client.get(f"/mod/?{query}").status_code in (200, 302)


def test_the_queue_shows_reports_weight_and_state(client, board, topic, moderator):
    case = report_post(make_post(topic=topic, author=UserFactory(username="spammer"), body="Spam"), 2, 3)
    login(client, moderator)
    row = page(client.get("/mod/"))
    assert ">2</td>" in row and ">5</td>" in row  # two reports weighing 2 + 3
    assert "spammer" in row and "Open" in row
    assert f'value="{case.pk}"' in row  # the bulk checkbox


def test_the_queue_shows_an_empty_state(client, board_mod):
    login(client, board_mod)
    assert "Nothing waits for you" in page(client.get("/mod/"))


# --- the header ---------------------------------------------------------------------------------------


def header_count(response) -> int | None:
    found = re.search(r'href="/mod/">Moderation queue(?: <span class="count"[^>]*>(\d+)</span>)?</a>',
                      response.content.decode())
    if found is None:
        return None
    return int(found.group(1) or 0)


def test_the_header_shows_the_open_case_count_to_moderators_only(client, board, pastry, topic, board_mod,
                                                                 moderator, member):
    report_post(make_post(topic=topic, author=UserFactory(), body="A"), 1)
    claimed = report_post(make_post(topic=topic, author=UserFactory(), body="B"), 1)
    services.case_claim(case=claimed, actor=board_mod)
    done = report_post(make_post(topic=topic, author=UserFactory(), body="C"), 1)
    services.case_act(case=done, actor=board_mod, action="dismiss")
    elsewhere = make_topic(board=pastry, author=UserFactory(), title="Croissants")
    report_post(make_post(topic=elsewhere, author=UserFactory(), body="D"), 1)
    cache.clear()

    login(client, board_mod)
    assert header_count(client.get("/")) == 2  # open and in progress, in their board
    login(client, moderator)
    assert header_count(client.get("/")) == 3
    login(client, member)
    content = client.get("/").content.decode()
    assert header_count(client.get("/")) is None and 'href="/mod/"' not in content
    client.logout()
    assert 'href="/mod/"' not in client.get("/").content.decode()


# --- the case page ------------------------------------------------------------------------------------


@pytest.fixture
def busy_topic(board, member):
    topic = make_topic(board=board, author=member, title="Busy topic", body="Post one body")
    for n in range(2, 6):
        make_post(topic=topic, author=UserFactory(username=f"writer{n}") if n != 3 else UserFactory(
            username="offender"), body=f"Post {['', '', 'two', 'three', 'four', 'five'][n]} body")
    return topic


def test_the_case_page_shows_the_post_in_context(client, busy_topic, board_mod):
    offending = busy_topic.posts.get(position=3)
    services.report_create(reporter=UserFactory(username="carol", rank=rank_at(2)), kind="post", reason="abuse",
                           note="Rude to a newcomer", post=offending)
    services.report_create(reporter=UserFactory(username="dave", rank=rank_at(3)), kind="post", reason="other",
                           note="Also off topic", post=offending)
    case = Case.objects.get(post=offending)
    login(client, board_mod)
    content = page(client.get(f"/mod/case/{case.pk}/"))
    assert "Post two body" in content and "Post three body" in content and "Post four body" in content
    assert "Post one body" not in content and "Post five body" not in content
    assert "Busy topic" in content
    # the reporters, their ranks and notes
    for text in ("carol", "dave", "Rude to a newcomer", "Also off topic", "Abuse or harassment", "Other",
                 "Regular", "Veteran"):
        assert text in content, text
    # the member, with rank and record
    assert "offender" in content and "Member" in content
    assert "0 upheld reports, 0 warnings" in content
    assert "No earlier moderation." in content


def test_the_case_page_shows_the_members_earlier_record(client, busy_topic, board_mod, moderator):
    offending = busy_topic.posts.get(position=3)
    first = report_post(offending, 1)
    services.case_act(case=first, actor=fresh(moderator), action="warn", reason="First warning about tone")
    other_post = make_post(topic=busy_topic, author=offending.author, body="Again rude")
    second = report_post(other_post, 1)
    login(client, board_mod)
    content = page(client.get(f"/mod/case/{second.pk}/"))
    assert "First warning about tone" in content and "Warned member" in content
    assert "1 upheld reports, 1 warnings" in content


def test_internal_notes_are_for_moderators_only(client, busy_topic, board_mod, moderator, member):
    offending = busy_topic.posts.get(position=3)
    case = report_post(offending, 1)
    login(client, board_mod)
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "note", "text": NOTE}, follow=True)
    assert any("Note added." in m for m in messages_in(response))
    assert NOTE in page(response)
    login(client, moderator)
    assert NOTE in page(client.get(f"/mod/case/{case.pk}/"))

    services.case_act(case=case, actor=fresh(moderator), action="hide", reason="Rude")
    for who in (offending.author, member, case.reports.get().reporter):
        login(client, who)
        for url in ("/", busy_topic.get_absolute_url(), f"/u/{offending.author.username}/", "/notifications/",
                    f"/u/{who.username}/", "/members/"):
            response = client.get(url)
            assert NOTE not in page(response), (who.username, url)
        assert client.get(f"/mod/case/{case.pk}/").status_code == 403
        assert client.get("/mod/log/").status_code == 403
    assert not Notice.objects.filter(body__contains=NOTE).exists()
    assert not Notice.objects.filter(title__contains=NOTE).exists()


def test_an_empty_note_is_a_readable_error(client, busy_topic, board_mod):
    case = report_post(busy_topic.posts.get(position=3), 1)
    login(client, board_mod)
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "note", "text": "  "}, follow=True)
    assert any("Write the note first." in m for m in messages_in(response))
    assert not case.notes.exists()


def test_the_case_page_shows_the_history(client, busy_topic, board_mod, moderator, settings):
    settings.HEARTH = {**settings.HEARTH, "AUTO_HIDE_REPORTS": 1, "AUTO_HIDE_MIN_RANK_ORDER": 2}
    case = report_post(busy_topic.posts.get(position=3), 2)
    services.case_claim(case=case, actor=board_mod)
    services.case_add_note(case=case, actor=board_mod, text="Checking")
    services.case_act(case=case, actor=board_mod, action="delete", reason="Abusive")
    login(client, moderator)
    content = page(client.get(f"/mod/case/{case.pk}/"))
    history = content[content.index("History"):]
    for text in ("the system", "Hid post automatically", "Claimed case", "Added internal note", "Deleted post",
                 "Abusive", "breadmod"):
        assert text in history, text
    assert history.index("Hid post automatically") < history.index("Claimed case") < history.index("Deleted post")
    assert "resolved by breadmod: Post deleted" in content
    assert 'value="hide"' not in content  # a resolved case offers no more actions


def test_a_topic_case_and_a_member_case_render(client, topic, moderator):
    services.report_create(reporter=UserFactory(), kind="topic", reason="off_topic", topic=topic)
    services.report_create(reporter=UserFactory(), kind="member", reason="abuse", member=topic.author)
    login(client, moderator)
    for case in Case.objects.all():
        response = client.get(f"/mod/case/{case.pk}/")
        assert response.status_code == 200
        assert topic.author.username in page(response)


def test_claim_sets_the_assignee_and_state(client, busy_topic, board_mod, moderator):
    case = report_post(busy_topic.posts.get(position=3), 1)
    login(client, board_mod)
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "claim"}, follow=True)
    assert any("The case is yours." in m for m in messages_in(response))
    case.refresh_from_db()
    assert case.assignee_id == board_mod.pk and case.state == Case.State.IN_PROGRESS
    assert ModerationAction.objects.filter(action="claim", actor=board_mod, case=case).count() == 1
    assert "claimed by breadmod" in page(client.get("/mod/"))

    login(client, moderator)
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "claim"}, follow=True)
    assert any("breadmod is already on this case." in m for m in messages_in(response)), messages_in(response)
    case.refresh_from_db()
    assert case.assignee_id == board_mod.pk
    # a claimed case can still be resolved, by anyone who moderates there
    services.case_act(case=case, actor=fresh(moderator), action="dismiss")
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED


def test_a_resolved_case_cannot_be_claimed(client, busy_topic, board_mod):
    case = report_post(busy_topic.posts.get(position=3), 1)
    services.case_act(case=case, actor=board_mod, action="dismiss")
    login(client, board_mod)
    response = client.post(f"/mod/case/{case.pk}/act/", {"action": "claim"}, follow=True)
    assert any("already resolved this case" in m for m in messages_in(response)), messages_in(response)
    case.refresh_from_db()
    assert case.assignee_id is None


# --- the log --------------------------------------------------------------------------------------------


@pytest.fixture
def log_entries(board, pastry, topic, board_mod, pastry_mod, moderator):
    mine = report_post(make_post(topic=topic, author=UserFactory(), body="Mine"), 1)
    services.case_act(case=mine, actor=board_mod, action="hide", reason="Sourdough spam")
    elsewhere = make_topic(board=pastry, author=UserFactory(), title="Croissants")
    theirs = report_post(make_post(topic=elsewhere, author=UserFactory(), body="Theirs"), 1)
    services.case_act(case=theirs, actor=pastry_mod, action="warn", reason="Pastry rudeness")
    services.report_create(reporter=UserFactory(), kind="member", reason="abuse", member=topic.author)
    services.case_act(case=Case.objects.get(kind="member"), actor=fresh(moderator), action="dismiss",
                      reason="Member report looked at")
    services.act_directly(actor=fresh(moderator), action="lock", reason="Sourdough lock", topic=topic)


def test_the_log_shows_moderators_their_boards_entries_only(client, log_entries, board_mod, pastry_mod,
                                                           admin_user, moderator):
    login(client, board_mod)
    content = page(client.get("/mod/log/"))
    assert "Sourdough spam" in content and "Sourdough lock" in content
    assert "Pastry rudeness" not in content and "Member report looked at" not in content
    login(client, pastry_mod)
    content = page(client.get("/mod/log/"))
    assert "Pastry rudeness" in content and "Sourdough spam" not in content
    for who in (admin_user, moderator):
        login(client, who)
        content = page(client.get("/mod/log/"))
        for text in ("Sourdough spam", "Pastry rudeness", "Member report looked at", "Sourdough lock"):
            assert text in content, (who.username, text)


def test_the_log_filters_by_action_and_moderator(client, log_entries, admin_user):
    login(client, admin_user)
    content = page(client.get("/mod/log/?action=hide"))
    assert "Sourdough spam" in content and "Pastry rudeness" not in content and "Sourdough lock" not in content
    content = page(client.get("/mod/log/?actor=pastrymod"))
    assert "Pastry rudeness" in content and "Sourdough spam" not in content
    content = page(client.get("/mod/log/?actor=mod&action=lock"))
    assert "Sourdough lock" in content and "Member report looked at" not in content
    content = page(client.get("/mod/log/?action=ban"))
    assert "Nothing logged yet." in content


@pytest.mark.parametrize("query", ["action=nope", "actor=" + "x" * 300, "page=0", "page=abc", "page=999"])
def test_bad_log_filters_are_not_errors(client, log_entries, admin_user, query):
    login(client, admin_user)
    assert client.get(f"/mod/log/?{query}").status_code == 200


def test_the_log_pages(client, admin_user, board):
    actor = UserFactory(username="busymod", is_global_moderator=True)
    ModerationAction.objects.bulk_create([ModerationAction(actor=actor, action="lock", reason=f"entry {i}",
                                                           board=board) for i in range(55)])
    login(client, admin_user)
    first = page(client.get("/mod/log/"))
    assert "entry 54" in first and 'rel="next"' in first
    second = page(client.get("/mod/log/?page=2"))
    assert "entry 0<" in second and 'rel="prev"' in second and 'rel="next"' not in second


# --- a fixed number of queries ------------------------------------------------------------------------


def add_open_cases(board, count: int, reporters: list[User], assignee: User) -> None:
    """`count` open cases in `board`: mostly on posts, some on topics and members, some claimed, each with
    every reporter's report. Rows are bulk-created: the page is measured, not the services."""
    now = timezone.now()
    authors = [UserFactory() for _ in range(3)]
    topic = make_topic(board=board, author=authors[0], title=f"Bulk {Topic.objects.count()}")
    n_topics = max(1, count // 10)
    n_members = max(1, count // 10)
    n_posts = count - n_topics - n_members
    posts = Post.objects.bulk_create([
        Post(topic=topic, author=authors[i % 3], position=topic.post_count + 1 + i, body=f"Bulk {i}",
             body_html=f"<p>Bulk {i}</p>", created_at=now) for i in range(n_posts)])
    topics = Topic.objects.bulk_create([
        Topic(board=board, author=authors[i % 3], title=f"Bulk topic {i}", slug=f"bulk-topic-{i}", created_at=now,
              last_post_at=now, post_count=1) for i in range(n_topics)])
    members = [UserFactory() for _ in range(n_members)]
    cases = [Case(kind="post", post=p, topic=topic, member=p.author, board=board) for p in posts]
    cases += [Case(kind="topic", topic=t, member=t.author, board=board) for t in topics]
    cases += [Case(kind="member", member=m) for m in members]
    for i, case in enumerate(cases):
        case.report_count = len(reporters)
        case.weight = sum(r.rank.report_weight for r in reporters)
        if i % 4 == 0:
            case.assignee, case.state = assignee, Case.State.IN_PROGRESS
        if i % 7 == 0 and case.kind == "post":
            case.is_approval = True
    cases = Case.objects.bulk_create(cases)
    Report.objects.bulk_create([
        Report(case=case, reporter=r, reason=["spam", "abuse", "other"][j % 3], note=f"note {j}",
               weight=r.rank.report_weight, reporter_rank_order=r.rank.order)
        for case in cases for j, r in enumerate(reporters)])


@pytest.fixture
def reporters(db):
    return [UserFactory(rank=rank_at(order)) for order in (1, 2, 3)]


@pytest.fixture(params=["global", "board"])
def queue_viewer(request, client, board, moderator, board_mod):
    user = moderator if request.param == "global" else board_mod
    visit_record(user=user, day=timezone.localdate())
    return login(client, user), fresh(user)


def test_the_queue_costs_the_same_for_5_cases_or_200(queue_viewer, board, reporters):
    client, user = queue_viewer
    add_open_cases(board, 5, reporters, assignee=user)
    small = queries_for(client, "/mod/")
    add_open_cases(board, 195, reporters, assignee=user)
    large = queries_for(client, "/mod/")
    member_cases = Case.objects.filter(kind="member").count()  # on no board: global moderators only
    shown = 200 if user.is_global_moderator else 200 - member_cases
    assert len(listed_cases(client.get("/mod/"))) == shown
    assert_constant(small, large, "queue", most=MAX_QUERIES)
    filtered = queries_for(client, f"/mod/?board={board.pk}&reason=spam&state=in_progress")
    assert max(filtered) <= MAX_QUERIES, filtered


def test_the_case_page_costs_the_same_for_2_reports_or_15(queue_viewer, topic, board_mod):
    client, user = queue_viewer
    post = make_post(topic=topic, author=UserFactory(), body="Reported")
    case = report_post(post, 1, 2, note="seen it")
    services.case_claim(case=case, actor=board_mod)
    services.case_add_note(case=case, actor=board_mod, text="first look")
    url = f"/mod/case/{case.pk}/"
    small = queries_for(client, url)
    others = [UserFactory(rank=rank_at(i % 4)) for i in range(13)]
    Report.objects.bulk_create([Report(case=case, reporter=r, reason="abuse", note=f"also {i}",
                                       weight=r.rank.report_weight, reporter_rank_order=r.rank.order)
                                for i, r in enumerate(others)])
    Case.objects.filter(pk=case.pk).update(report_count=15)
    large = queries_for(client, url)
    assert page(client.get(url)).count("also ") == 13
    assert_constant(small, large, "case page", most=MAX_QUERIES)


def test_the_case_page_costs_the_same_with_a_long_record_and_history(queue_viewer, topic, board_mod):
    client, user = queue_viewer
    post = make_post(topic=topic, author=UserFactory(), body="Reported")
    case = report_post(post, 1)
    url = f"/mod/case/{case.pk}/"
    small = queries_for(client, url)
    actors = [UserFactory(is_global_moderator=True) for _ in range(5)]
    ModerationAction.objects.bulk_create(
        [ModerationAction(actor=actors[i % 5], action="warn", member=post.author, reason=f"old {i}")
         for i in range(15)]
        + [ModerationAction(actor=actors[i % 5], action="note", case=case, board=topic.board, after=f"n {i}")
           for i in range(15)])
    from moderation.models import CaseNote
    CaseNote.objects.bulk_create([CaseNote(case=case, author=actors[i % 5], text=f"note {i}") for i in range(10)])
    large = queries_for(client, url)
    assert_constant(small, large, "case page with record", most=MAX_QUERIES)


def test_the_log_costs_the_same_for_5_entries_or_60(queue_viewer, board, topic):
    client, user = queue_viewer
    post = topic.first_post

    def add(count):
        actors = [UserFactory(is_global_moderator=True) for _ in range(3)]
        members = [UserFactory() for _ in range(3)]
        ModerationAction.objects.bulk_create([
            ModerationAction(actor=actors[i % 3] if i % 5 else None, action=["hide", "warn", "lock", "move"][i % 4],
                             board=board, post=post if i % 2 else None, topic=topic, member=members[i % 3],
                             reason=f"r{i}", rule="1. Be kind." if i % 3 == 0 else "",
                             before="old text" if i % 2 else "", after="new text" if i % 4 == 0 else "")
            for i in range(count)])

    add(5)
    small = queries_for(client, "/mod/log/")
    add(55)
    large = queries_for(client, "/mod/log/")
    assert_constant(small, large, "log", most=MAX_QUERIES)
    assert max(queries_for(client, "/mod/log/?page=2&action=hide")) <= MAX_QUERIES
