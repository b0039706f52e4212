"""The shared lists (boards/fragments.py) with a read replica that lags (forum/db_router.py): a list is keyed
by versions read on the primary (a board's) or the replica (a topic's), and whatever it shows must be no older
than its key says, or a list rendered from a replica that lags is served under the new version long after the
replica caught up.

The replica is the test database reached through a connection of its own, its lag a REPEATABLE READ
transaction opened there (its reads see the database as it was when it began, as a standby that has not
replayed what came after); the router's health check is told it is fine, as a real standby within its lag
would say."""
import copy
import time

import pytest
from django.db import connections
from django.test import Client

from boards.models import Topic
from forum import db_router
from moderation import services as moderation
from tests.factories import BoardFactory, UserFactory, fresh, make_post, make_topic
from tests.helpers import page

SECRET = "Zebra-striped sourdough secret"
PINNED = "Quince bake-off plans"

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """The "replica" database, defined before each test's database access is set up (a test may only use
    the databases it names, and only those defined when it starts). connections.settings is
    settings.DATABASES itself: db_router.replica_configured() sees it too."""
    alias = db_router.REPLICA
    connections.settings[alias] = {**copy.deepcopy(connections["default"].settings_dict),
                                   "TEST": {"MIRROR": "default"}}
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.fixture
def lagging_replica(replica_alias, settings):
    settings.DATABASE_ROUTERS = ["forum.db_router.ReplicaRouter"]
    db_router.ReplicaHealth._usable, db_router.ReplicaHealth._state = True, "ok"
    db_router.ReplicaHealth._next_check = time.monotonic() + 3600
    replica = connections[replica_alias]

    class Lag:
        def freeze(self):
            with replica.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT count(*) FROM boards_topic")  # the snapshot is taken here

        def catch_up(self):
            with replica.cursor() as cursor:
                cursor.execute("COMMIT")

    yield Lag()
    with replica.cursor() as cursor:
        cursor.execute("ROLLBACK")  # (a warning only, when no transaction is open)
    db_router.ReplicaHealth.reset()


def test_the_replica_is_read_and_lags(lagging_replica, board):
    """The set-up does what it says: a GET reads topics on the replica, which shows what it saw when frozen."""
    topic = make_topic(board=board, title="Seen before the freeze")
    lagging_replica.freeze()
    make_topic(board=board, title="Written after the freeze")
    tokens = db_router.allow_replica_reads(True)
    try:
        titles = set(Topic.objects.filter(board=board).values_list("title", flat=True))
        assert db_router.replica_used()
    finally:
        db_router.reset_replica_reads(tokens)
    assert titles == {topic.title}
    lagging_replica.catch_up()


def test_a_list_cached_while_the_replica_lagged_does_not_outlive_the_lag(client, lagging_replica):
    """The board page keys its lists by versions read on the primary (boards are read there) and read the
    topics and the forum-wide pins on the replica. A list rendered while the replica had not yet replayed a
    moderator's hide was cached under the new version, and went on showing the hidden topic for
    FRAGMENT_CACHE_SECONDS after the replica caught up (its lag is at most DATABASE_REPLICA_MAX_LAG_SECONDS)."""
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    board, other = BoardFactory(name="Sourdough", slug="sourdough"), BoardFactory(name="Pastry", slug="pastry")
    spam = make_topic(board=board, author=UserFactory(username="spammer"), title="Cheap watches here")
    pinned = make_topic(board=other, author=UserFactory(username="baker"), title=PINNED)
    moderation.act_directly(actor=fresh(admin), action="pin", scope="forum", reason="For all", topic=pinned)
    make_topic(board=other, title="Croissant lamination")
    visitor = Client()
    assert "Cheap watches here" in page(visitor.get(board.get_absolute_url()))
    assert PINNED in page(visitor.get(board.get_absolute_url()))
    assert db_router.replica_configured()

    lagging_replica.freeze()
    moderation.act_directly(actor=fresh(admin), action="hide_topic", reason="Spam", topic=spam)
    moderation.act_directly(actor=fresh(admin), action="hide_topic", reason="Not for now", topic=pinned)
    assert visitor.get(board.get_absolute_url()).status_code == 200  # read while the replica lags
    lagging_replica.catch_up()

    shown = page(Client().get(board.get_absolute_url()))
    assert "Sourdough" in shown and "Cheap watches here" not in shown and PINNED not in shown
    assert "Croissant lamination" in page(Client().get(other.get_absolute_url()))


def test_a_post_list_cached_while_the_replica_lagged_does_not_outlive_the_lag(lagging_replica, board):
    """A topic's version is read on the replica with its posts: a hide the replica has not replayed leaves
    the old version, under which the old list may stay; once it has, the new version keys a new list."""
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    topic = make_topic(board=board, title="Starter schedules")
    secret = make_post(topic=topic, author=UserFactory(username="bob"), body=SECRET)
    reader = Client()
    reader.force_login(UserFactory(username="carol"))
    assert SECRET in page(reader.get(topic.get_absolute_url()))

    lagging_replica.freeze()
    moderation.act_directly(actor=fresh(admin), action="hide", reason="Moderated", post=secret)
    assert reader.get(topic.get_absolute_url()).status_code == 200  # read while the replica lags
    lagging_replica.catch_up()

    for viewer in (reader, Client()):
        shown = page(viewer.get(topic.get_absolute_url()))
        assert "Starter schedules" in shown and SECRET not in shown
        assert "This post was hidden by a moderator." in shown
