"""Post content looks the same everywhere: in the approval queue a held post's body is drawn in `.prose`,
and the queue's list-card style applies to the queue's own items only, not to lists inside a post."""
import re
from pathlib import Path

from boards import services as board_services
from tests.factories import BoardFactory, UserFactory, make_topic, newcomer_rank
from tests.helpers import login, page

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text(encoding="utf-8")


def selectors_with(class_name: str) -> list[str]:
    rules = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    found = []
    for block in re.findall(r"([^{}]+)\{[^{}]*\}", rules):
        found += [s.strip() for s in block.split(",") if class_name in s]
    return found


def test_the_list_card_style_does_not_reach_lists_inside_a_post():
    selectors = selectors_with(".recent-posts")
    assert ".recent-posts > li" in selectors
    for selector in selectors:
        # `.recent-posts li` (any descendant) would also match the <li> of a list in a post body
        assert not re.search(r"\.recent-posts(\.\w[\w-]*)*\s+(li|ul|ol)\b", selector), selector


def test_the_approvals_page_draws_the_post_body_in_prose(client, db):
    board = BoardFactory()
    topic = make_topic(board=board, author=UserFactory(), title="Rye")
    board_services.post_create(topic=topic, author=UserFactory(rank=newcomer_rank()),
                               body="My steps:\n\n- feed the starter\n- wait a day\n")
    login(client, UserFactory(is_superuser=True, is_staff=True))
    content = page(client.get("/mod/approvals/"))
    item = re.search(r'<ol class="recent-posts">\s*<li>(.*?)</form>', content, re.S).group(1)
    body = re.search(r'<div class="prose">(.*?)</div>', item, re.S).group(1)
    assert "<li>feed the starter</li>" in body and "<ul>" in body
