"""The demo forum's Regulars' lounge: read from the Regular rank up, with a few topics written and liked
only by members who may read it; deterministic."""
import pytest
from django.core.management import call_command

from boards.models import Board, PostLike, Topic
from members.models import User
from tests.helpers import login, page

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_lounge_for_regulars_only(client):
    call_command("seed_demo", if_empty=True)
    lounge = Board.objects.select_related("view_rank").get(slug="regulars-lounge")
    assert lounge.view_rank.name == "Regular" and lounge.topic_count == 3
    topics = Topic.objects.filter(board=lounge)
    assert {t.author.rank.order for t in topics} <= {2, 3, 4}
    assert all(like.member.rank.order >= 2 for like in PostLike.objects.filter(post__topic__board=lounge))
    assert all(post.author.rank.order >= 2 for topic in topics for post in topic.posts.all())
    regular, member = User.objects.get(username="carmen"), User.objects.get(username="ngozi")
    assert (regular.rank.name, member.rank.name) == ("Regular", "Member")
    assert "Regulars' lounge" in page(login(client, regular).get("/"))
    assert client.get("/b/regulars-lounge/").status_code == 200
    assert "Regulars' lounge" not in page(login(client, member).get("/"))
    assert client.get("/b/regulars-lounge/").status_code == 404
    assert "Regulars' lounge" not in page(login(client, None).get("/"))
