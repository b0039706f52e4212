import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium instead of a downloaded browser (no `playwright install` here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached fragments must not leak from one test into the next."""
    from django.core.cache import cache

    from forum.cache import ResilientRedisCache
    from members.activity import forget_marks

    ResilientRedisCache._down_until = 0.0  # a simulated outage in one test must not outlive it
    cache.clear()  # under xdist each worker has a Redis database of its own (forum/settings/test.py)
    forget_marks()  # the "seen" marks were in the cache just cleared
    yield


@pytest.fixture(autouse=True)
def _celery_may_join():
    """Celery runs an eager task inside `denied_join_result()`, which sets a process-wide flag and puts back the
    value it found. Tasks run eagerly in two threads at once (a live server's and the test's) can put back each
    other's True, and from then on every `result.get()` in this process raises "Never call result.get() within
    a task!", in whichever test runs next."""
    from celery.result import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def _no_language_left_over():
    """A request in Chinese leaves Chinese active in the thread (LocaleMiddleware activates it and nothing
    turns it off): a later test that calls a service directly would read its messages in Chinese."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def member(db):
    from tests.factories import UserFactory

    return UserFactory(username="alice")


@pytest.fixture
def unverified_member(db):
    from tests.factories import UserFactory

    return UserFactory(username="newbie", email_verified=False)


@pytest.fixture
def moderator(db):
    from tests.factories import UserFactory

    return UserFactory(username="mod", is_global_moderator=True)


@pytest.fixture
def admin_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def board(db):
    from tests.factories import BoardFactory

    return BoardFactory(name="Sourdough", slug="sourdough", description="All about starters.")


@pytest.fixture
def topic(board, member):
    from tests.factories import make_topic

    return make_topic(board=board, author=member, title="My starter is sluggish", body="Help please.")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def pastry(db):
    """A second board, for "a moderator of board A acting on board B"."""
    from tests.factories import BoardFactory

    return BoardFactory(name="Pastry", slug="pastry")


@pytest.fixture
def board_mod(board):
    from tests.factories import make_board_moderator

    return make_board_moderator(board, "breadmod")


@pytest.fixture
def pastry_mod(pastry):
    from tests.factories import make_board_moderator

    return make_board_moderator(pastry, "pastrymod")


@pytest.fixture
def tea(db):
    """A third board, with a moderator of its own below."""
    from tests.factories import BoardFactory

    return BoardFactory(name="Tea", slug="tea")


@pytest.fixture
def tea_mod(tea):
    from tests.factories import make_board_moderator

    return make_board_moderator(tea, "teamod")


@pytest.fixture
def bob(db):
    """Another member, beside alice (`member`)."""
    from tests.factories import UserFactory

    return UserFactory(username="bob")


@pytest.fixture
def newbie(db):
    """A newcomer: their first posts wait for a moderator's approval."""
    from tests.factories import UserFactory, newcomer_rank

    return UserFactory(username="newbie", rank=newcomer_rank())
