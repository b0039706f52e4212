"""What a viewer may not see answers 404, never a 403 that would confirm it exists: acting on a hidden
topic through /mod/<kind>/<id>/act/, and the standing page of a disabled member. (Another board's
scheduled draft: tests/boards/test_seeding_views.py.) Each test also proves the page works for someone who
may see the thing, so a page broken for everyone cannot pass."""
import pytest

from boards import services as board_services
from boards.models import Topic
from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_topic(board, board_mod):
    topic = make_topic(board=board, author=UserFactory(username="writer"), title="Hidden away", replies=1)
    board_services.topic_set_hidden(topic=topic, actor=board_mod, hidden=True)
    return Topic.objects.get(pk=topic.pk)


@pytest.mark.parametrize("kind", ["topic", "post"])
def test_acting_on_a_hidden_topic_is_not_found_for_those_who_cannot_see_it(client, hidden_topic, member,
                                                                           pastry_mod, kind):
    target = hidden_topic.pk if kind == "topic" else hidden_topic.last_post_id
    for viewer in (member, pastry_mod):  # a member; a moderator of another board
        client.force_login(viewer)
        response = client.post(f"/mod/{kind}/{target}/act/", {"action": "lock", "reason": "x"})
        assert response.status_code == 404, viewer.username
    hidden_topic.refresh_from_db()
    assert not hidden_topic.is_locked


def test_the_boards_moderator_still_acts_on_the_hidden_topic(client, hidden_topic, board_mod):
    client.force_login(board_mod)
    response = client.post(f"/mod/topic/{hidden_topic.pk}/act/", {"action": "lock", "reason": "Cooling off."})
    assert response.status_code == 302
    hidden_topic.refresh_from_db()
    assert hidden_topic.is_locked


def test_a_visible_topic_is_forbidden_not_hidden_from_a_member(client, topic, member):
    """The topic is there for everyone to see: refusing the act is a 403."""
    client.force_login(UserFactory(username="bystander"))
    assert client.post(f"/mod/topic/{topic.pk}/act/", {"action": "lock", "reason": "x"}).status_code == 403


@pytest.fixture
def disabled():
    return UserFactory(username="gone", is_active=False)


def test_the_standing_of_a_disabled_member_is_not_found(client, disabled, member, admin_user):
    for viewer in (member, admin_user):
        client.force_login(viewer)
        assert client.get(f"/u/{disabled.username}/standing/").status_code == 404
        assert client.get(f"/u/{disabled.username}/").status_code == 404


def test_the_standing_of_an_active_member_is_for_admins_and_themselves(client, member, admin_user):
    other = UserFactory(username="someone")
    client.force_login(admin_user)
    assert client.get(f"/u/{other.username}/standing/").status_code == 200
    client.force_login(other)
    assert client.get(f"/u/{other.username}/standing/").status_code == 200
    client.force_login(member)  # the member exists for all to see (the profile): refusing is a 403
    assert client.get(f"/u/{other.username}/standing/").status_code == 403
