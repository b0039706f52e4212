"""A member's count of featured (精华) topics counts only the ones on the boards: a hidden featured topic
does not count (on the profile, or toward a rank's min_featured), whichever way it was hidden, and counts
again once it is shown."""
import pytest

from boards import services as board_services
from boards.models import Topic
from members.models import Rank, User
from moderation import services as moderation_services
from standing.ranks import recompute_ranks
from tests.factories import BoardFactory, UserFactory, fresh, make_board_moderator, make_topic, newcomer_rank, rank_at
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return BoardFactory(name="Sourdough", slug="sourdough")


@pytest.fixture
def keeper(board):
    return make_board_moderator(board, "keeper")


@pytest.fixture
def author():
    return UserFactory(username="baker")


def count(member) -> int:
    return User.objects.get(pk=member.pk).featured_topics


def act(actor, action, topic, **kwargs):
    return moderation_services.act_directly(actor=fresh(actor), action=action, reason="Because.", topic=topic,
                                            **kwargs)


def test_hiding_a_featured_topic_takes_it_off_the_count_and_showing_it_puts_it_back(client, board, keeper, author):
    gem, other = make_topic(board=board, author=author, title="Gem"), make_topic(board=board, author=author)
    act(keeper, "feature", gem, level=2)
    act(keeper, "feature", other, level=1)
    assert count(author) == 2
    act(keeper, "hide_topic", gem)
    assert count(author) == 1
    assert "Featured topics (精华) 1" in page_text(client.get("/u/baker/"))
    act(keeper, "feature", gem, level=3)  # a new level while hidden: still not counted
    assert count(author) == 1
    act(keeper, "unhide_topic", gem)
    assert count(author) == 2
    assert "Featured topics (精华) 2" in page_text(client.get("/u/baker/"))


def test_unfeaturing_a_hidden_topic_leaves_the_count_right(board, keeper, author):
    gem = make_topic(board=board, author=author)
    act(keeper, "feature", gem, level=2)
    act(keeper, "hide_topic", gem)
    act(keeper, "unfeature", gem)
    assert count(author) == 0
    act(keeper, "unhide_topic", gem)
    assert count(author) == 0


def test_featuring_a_hidden_topic_does_not_count_until_it_is_shown(board, keeper, author):
    gem = make_topic(board=board, author=author)
    act(keeper, "hide_topic", gem)
    act(keeper, "feature", gem, level=1)
    assert count(author) == 0
    act(keeper, "unhide_topic", gem)
    assert count(author) == 1


def test_a_held_first_post_edit_and_its_approval(board, keeper):
    """A newcomer's topic, approved and featured, is held again by its author's edit (it leaves the board):
    it stops counting, and counts again once a moderator approves it."""
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    topic = board_services.topic_create(board=board, author=newbie, title="Held", body="First words.")
    moderation_services.act_directly(actor=fresh(keeper), action="approve", reason="", post=topic.first_post)
    act(keeper, "feature", topic, level=1)
    assert count(newbie) == 1
    board_services.post_edit(post=topic.first_post, editor=fresh(newbie), body="Changed words.")
    assert Topic.objects.get(pk=topic.pk).is_hidden and count(newbie) == 0
    moderation_services.act_directly(actor=fresh(keeper), action="approve", reason="", post=topic.first_post)
    assert count(newbie) == 1


def test_removing_a_spammers_content_uncounts_and_the_undo_counts_again(board, keeper, author, moderator):
    gem = make_topic(board=board, author=author)
    act(keeper, "feature", gem, level=1)
    removed = board_services.member_content_remove(member=author, actor=fresh(moderator), reason="Spam")
    assert count(author) == 0
    board_services.member_content_restore(member=author, actor=fresh(moderator), removed=removed)
    assert count(author) == 1


def test_a_hidden_featured_topic_does_not_earn_a_rank(board, keeper, author):
    """Rank.min_featured reads the same count: a member one featured topic short of a rank stays below it
    while that topic is hidden."""
    member_rank = rank_at(1)
    Rank.objects.filter(order__gte=1).update(
        min_featured=0, min_days_visited=0, min_posts=0, min_topics_replied=0, min_topics_entered=0, min_posts_read=0,
        min_likes_received=0, min_likes_given=0, max_upheld_reports=None, requires_clean_record=False,
        min_distinct_likers=0)
    Rank.objects.filter(order=2).update(min_featured=1)
    Rank.objects.filter(order__gt=2).update(min_featured=99)
    User.objects.filter(pk=author.pk).update(rank=member_rank, rank_order=1)
    gem = make_topic(board=board, author=author)
    act(keeper, "feature", gem, level=1)
    act(keeper, "hide_topic", gem)
    recompute_ranks()
    assert User.objects.get(pk=author.pk).rank.order == 1
    act(keeper, "unhide_topic", gem)
    recompute_ranks()
    assert User.objects.get(pk=author.pk).rank.order == 2
