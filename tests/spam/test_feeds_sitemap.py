"""Feeds (RSS and Atom), sitemap.xml, robots.txt and the pages' sharing metadata, parsed as XML."""
import xml.etree.ElementTree as ET

import pytest

from boards import services
from tests.factories import BoardFactory, UserFactory, make_post, make_topic, newcomer_rank

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def world(db, admin_user):
    board = BoardFactory(name="Sourdough", slug="sourdough")
    shown = make_topic(board=board, title="Shown topic", body="Everyone can read this first post.")
    reply = make_post(topic=shown, body="A visible reply")
    hidden_reply = make_post(topic=shown, body="A hidden reply")
    services.post_hide(post=hidden_reply, actor=admin_user, reason="x")
    deleted_reply = make_post(topic=shown, body="A deleted reply")
    services.post_delete(post=deleted_reply, actor=admin_user, reason="x")
    held = services.topic_create(board=board, author=UserFactory(username="newbie", rank=newcomer_rank()),
                                 title="Held topic", body="waiting")
    held_reply = services.post_create(topic=shown, author=UserFactory(username="newbie2", rank=newcomer_rank()),
                                      body="A held reply")
    hidden = make_topic(board=board, title="Hidden topic")
    services.topic_set_hidden(topic=hidden, actor=admin_user, hidden=True)
    assert held.is_hidden and held_reply.is_awaiting_approval
    return {"board": board, "shown": shown, "reply": reply, "hidden": hidden, "held": held}


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    return [(item.findtext("title"), item.findtext("description") or "") for item in root.iter("item")]


def atom_entries(client, url):
    root = ET.fromstring(client.get(url).content)  # noqa: S314 - our own output
    assert root.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def test_latest_and_board_feeds_list_only_visible_topics(client, world):
    for url in ["/feeds/latest.rss", "/b/sourdough/feed.rss"]:
        titles = [title for title, _ in rss_items(client, url)]
        assert "Shown topic" in titles
        assert "Held topic" not in titles and "Hidden topic" not in titles
    assert "Shown topic" in atom_entries(client, "/feeds/latest.atom")
    assert "Hidden topic" not in atom_entries(client, "/b/sourdough/feed.atom")
    assert client.get("/b/nope/feed.rss").status_code == 404


def test_a_topics_feed_shows_only_readable_posts(client, world):
    items = rss_items(client, f"/t/{world['shown'].pk}/feed.rss")
    text = " ".join(description for _, description in items)
    assert "A visible reply" in text and "Everyone can read" in text
    for secret in ("A hidden reply", "A deleted reply", "A held reply"):
        assert secret not in text
    assert len(atom_entries(client, f"/t/{world['shown'].pk}/feed.atom")) == 2
    assert client.get(f"/t/{world['hidden'].pk}/feed.rss").status_code == 404
    assert client.get(f"/t/{world['held'].pk}/feed.rss").status_code == 404


def test_the_sitemap_lists_boards_and_visible_topics_with_lastmod(client, world):
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    sections = [loc.text for loc in index.iter(f"{SM}loc")]
    assert [section.rsplit("/", 1)[1] for section in sections] == ["sitemap-boards.xml", "sitemap-topics.xml"]
    urls = []
    for section in ("boards", "topics"):
        response = client.get(f"/sitemap-{section}.xml")
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # noqa: S314 - our own output
        urls += [(url.findtext(f"{SM}loc"), url.findtext(f"{SM}lastmod")) for url in root.iter(f"{SM}url")]
    locs = [loc for loc, _ in urls]
    assert any(loc.endswith("/b/sourdough/") for loc in locs)
    assert any(loc.endswith(world["shown"].get_absolute_url()) for loc in locs)
    assert not any(world["hidden"].get_absolute_url() in loc or world["held"].get_absolute_url() in loc
                   for loc in locs)
    assert all(lastmod for _, lastmod in urls)


def test_the_sitemap_is_paged(client, world, monkeypatch):
    from boards.sitemaps import TopicSitemap

    make_topic(board=world["board"], title="Another")
    monkeypatch.setattr(TopicSitemap, "limit", 1)
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    assert any(loc.text.endswith("/sitemap-topics.xml?p=2") for loc in index.iter(f"{SM}loc"))
    root = ET.fromstring(client.get("/sitemap-topics.xml?p=2").content)  # noqa: S314 - our own output
    assert len(list(root.iter(f"{SM}url"))) == 1
    assert client.get("/sitemap-topics.xml?p=99").status_code == 404


def test_robots_keeps_crawlers_off_private_pages(client):
    body = client.get("/robots.txt").content.decode()
    for path in ("/accounts/", "/mod/", "/search/", "/settings/", "/admin/"):
        assert f"Disallow: {path}" in body
    assert "Sitemap: " in body


def test_pages_have_feeds_and_sharing_metadata(client, world):
    board_page = client.get("/b/sourdough/").content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in board_page and "/b/sourdough/feed.rss" in board_page
    assert '<meta property="og:title" content="Sourdough">' in board_page
    assert '<meta name="description"' in board_page
    topic_page = client.get(world["shown"].get_absolute_url()).content.decode()
    assert f"/t/{world['shown'].pk}/feed.atom" in topic_page
    assert '<meta property="og:title" content="Shown topic">' in topic_page
    assert '<meta name="description" content="Everyone can read this first post.">' in topic_page
