"""The issue's fixtures, on PostgreSQL and on SQLite alike: Chinese found by any part of a sentence (and
not by characters that only meet across words), English by whole words in any case, mixed queries,
one-character queries, phrases, titles, filters and ordering."""
import pytest

pytestmark = pytest.mark.django_db(databases=["default", "search_sqlite"])

ZH = "这是一个测试文档，方鸿渐回到上海。"


@pytest.fixture
def little_forum(forum):
    novels = forum.board("novels", "Novels")
    code = forum.board("code", "Code")
    mara, bao = forum.member("mara"), forum.member("bao")
    siege = forum.topic("zh", board=novels, author=mara, title="围城读后感", body=ZH, days_ago=30)
    forum.reply("cat", topic=siege, author=bao, body="我的猫很乖，也喜欢读书。", days_ago=20)
    forum.topic("en", board=code, author=bao, title="Template caching",
                body="Testing the CACHE framework: rendered templates are kept for a minute.", days_ago=10)
    mixed = forum.topic("mixed", board=code, author=mara, title="Django 问题", body="Django 的模板缓存很好用。",
                        days_ago=5)
    forum.reply("template-only", topic=mixed, author=bao, body="这个模板不错，没有别的。", days_ago=2)
    return forum


@pytest.mark.parametrize("query", ["测试", "上海", "回到上海", "方鸿渐", "测试文档", ZH])
def test_the_chinese_sentence_is_found_by_its_words(little_forum, query):
    assert little_forum.found(query) == {"zh"}


@pytest.mark.parametrize("query", ["海上", "试测", "上海回到", "渐方"])
def test_characters_that_only_meet_in_another_order_find_nothing(little_forum, query):
    assert little_forum.found(query) == set()


def test_english_words_match_in_any_case_and_whole(little_forum):
    assert little_forum.found("cache") == {"en"}
    assert little_forum.found("CACHE Framework") == {"en"}
    assert little_forum.found("test") == set()  # "Testing" is another word
    assert little_forum.found("testing") == {"en"}


def test_mixed_text_needs_every_word(little_forum):
    assert little_forum.found("Django 模板 缓存") == {"mixed"}
    assert little_forum.found("模板") == {"mixed", "template-only"}
    assert little_forum.found("Django 模板 缓存 猫") == set()


def test_a_one_character_query_finds_it_inside_longer_words(little_forum):
    assert little_forum.found("猫") == {"cat"}
    assert little_forum.found("读") == {"cat", "zh"}  # 读书, and the title 围城读后感 of the first post
    assert little_forum.found("in:title 读") == {"zh"}


def test_exact_phrases(little_forum):
    assert little_forum.found('"rendered templates"') == {"en"}
    assert little_forum.found('"templates rendered"') == set()
    assert little_forum.found("“回到上海”") == {"zh"}
    assert little_forum.found('"the cache') == {"en"}  # an unbalanced quote is ignored


def test_titles_only(little_forum):
    assert little_forum.found("caching") == {"en"}
    assert little_forum.found("in:title caching") == {"en"}
    assert little_forum.found("in:title framework") == set()
    assert little_forum.found("围城", in_title="on") == {"zh"}
    assert little_forum.found("问题") == {"mixed"}


def test_filters_as_words_and_as_fields_combine(little_forum):
    assert little_forum.found("模板 board:code") == {"mixed", "template-only"}
    assert little_forum.found("模板 @bao") == {"template-only"}
    assert little_forum.found("模板", author="bao") == {"template-only"}
    assert little_forum.found("模板 author:mara board:code") == {"mixed"}
    assert little_forum.found("board:novels 模板") == set()
    assert little_forum.found("模板", board="novels") == set()
    assert little_forum.found("模板 no:replies") == set()  # both are in a topic with a reply
    assert little_forum.found("cache no:replies") == {"en"}
    assert little_forum.found("cache", no_replies="on") == {"en"}


def test_date_filters(little_forum):
    from django.utils import timezone

    today = timezone.localdate()
    week_ago = (today - timezone.timedelta(days=7)).isoformat()
    assert little_forum.found(f"after:{week_ago}") == {"mixed", "template-only"}
    assert little_forum.found(f"before:{week_ago} board:code") == {"en"}
    assert little_forum.found("猫", before=week_ago) == {"cat"}
    assert little_forum.found("猫", after=week_ago) == set()


def test_filters_alone_list_the_newest_posts(little_forum):
    assert little_forum.search("@bao") == ["template-only", "en", "cat"]
    assert little_forum.search("board:novels") == ["cat", "zh"]


def test_relevance_puts_a_title_match_first_and_newest_orders_by_time(forum):
    board = forum.board("words")
    author = forum.member("writer")
    forum.topic("title", board=board, author=author, title="Sourdough starter", body="All about it.", days_ago=9)
    forum.topic("body", board=board, author=author, title="Another thing", body="My sourdough is sour.", days_ago=1)
    assert forum.search("sourdough") == ["title", "body"]
    assert forum.search("sourdough", order="newest") == ["body", "title"]


def test_results_come_twenty_a_page(forum):
    from search.selectors import PER_PAGE

    board = forum.board("many")
    author = forum.member("prolific")
    topic = forum.topic("p0", board=board, author=author, title="Many crumbs", body="crumb number 0")
    for i in range(1, PER_PAGE + 3):
        forum.reply(f"p{i}", topic=topic, author=author, body=f"crumb number {i}")
    assert len(forum.search("crumb")) == PER_PAGE
