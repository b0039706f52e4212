"""factory_boy factories. Topics and posts are made through boards.services so counters stay right."""
import time

import factory
from allauth.account.models import EmailAddress

from boards import services
from boards.models import Board
from members.default_ladder import ensure_default_ladder
from members.models import Rank, User


def rank_at(order: int) -> Rank:
    """A step of the default ladder: 0 Newcomer … 4 Moderator. (The migration installs it; tests that
    flush the database, transaction=True ones, remove it, so it is put back when missing.)"""
    ensure_default_ladder(Rank)
    return Rank.objects.get(order=order)


def newcomer_rank() -> Rank:
    return rank_at(0)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    email_verified = True
    password = factory.django.Password("correct horse battery staple")
    # Members post freely; tests of newcomers' limits ask for rank=newcomer_rank() explicitly.
    rank = factory.LazyFunction(lambda: rank_at(1))
    rank_order = factory.LazyAttribute(lambda u: u.rank.order if u.rank else 0)

    @factory.post_generation
    def verified_address(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(user=self, email=self.email,
                                               defaults={"primary": True, "verified": self.email_verified})


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    description = "A board for testing."
    rules = "1. Be kind."
    rules_html = "<ol><li>Be kind.</li></ol>"


def make_topic(*, board=None, author=None, title="A topic", body="The first post.", replies: int = 0):
    board = board or BoardFactory()
    author = author or UserFactory()
    topic = services.topic_create(board=board, author=author, title=title, body=body)
    for i in range(replies):
        services.post_create(topic=topic, author=UserFactory(), body=f"Reply number {i + 1}.")
    topic.refresh_from_db()
    return topic


def make_post(*, topic, author=None, body=None, reply_to=None):
    author = author or UserFactory()
    return services.post_create(topic=topic, author=author, body=body or f"A reply by {author.username}.",
                                reply_to=reply_to)


def wait_for_fresh_rate_window(period: int = 60, margin: float = 5.0) -> None:
    """The limiter counts in fixed windows; don't start a short burst just before one rolls over."""
    into = time.time() % period
    if into > period - margin:
        time.sleep(period - into + 0.05)


def fresh(user: User) -> User:
    """The member as a new request loads them (their moderated boards are cached per request)."""
    return User.objects.select_related("rank").get(pk=user.pk)


def make_board_moderator(board, username: str) -> User:
    from boards.models import BoardModerator

    member = UserFactory(username=username)
    BoardModerator.objects.create(board=board, member=member)
    return fresh(member)
