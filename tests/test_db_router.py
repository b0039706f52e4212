"""forum/db_router.py's decisions that need no replica (the replica itself is proven by `make cluster-test`:
reads counted on a real streaming replica, read-your-writes, lag and outage falling back to the primary),
and forum/outage.py's line between an outage (503) and a bug (500), on real connection errors."""
import psycopg
import pytest
from django.db import connection, transaction
from django.db.utils import OperationalError, ProgrammingError

from boards.models import Board, Post
from forum import db_router, outage
from members.models import User

router = db_router.ReplicaRouter()


@pytest.fixture
def replica_allowed():
    tokens = db_router.allow_replica_reads(True)
    yield
    db_router.reset_replica_reads(tokens)


def test_reads_stay_on_the_primary_outside_a_get_request():
    assert router.db_for_read(Post) == "default"


@pytest.mark.django_db
def test_reads_stay_on_the_primary_inside_a_transaction(replica_allowed):
    with transaction.atomic():
        assert connection.in_atomic_block
        assert router.db_for_read(Post) == "default"


@pytest.mark.parametrize("model", [User, Board])
def test_authentication_and_permission_reads_stay_on_the_primary(replica_allowed, model):
    assert not connection.in_atomic_block  # (no test transaction here: the model alone decides)
    assert router.db_for_read(model) == "default"


def test_writes_and_migrations_go_to_the_primary():
    assert router.db_for_write(Post) == "default"
    assert router.allow_migrate("default", "boards") is True
    assert router.allow_migrate("replica", "boards") is False


def test_a_refused_connection_is_an_outage_and_a_bad_query_is_not():
    try:
        psycopg.connect("postgresql://nobody@127.0.0.1:1/none", connect_timeout=2)
    except psycopg.OperationalError as cause:
        refused = OperationalError(str(cause))
        refused.__cause__ = cause
    assert outage.is_connection_failure(refused)
    bad_query = ProgrammingError("relation does not exist")
    assert not outage.is_connection_failure(bad_query)
    assert not outage.is_connection_failure(ValueError("no"))
