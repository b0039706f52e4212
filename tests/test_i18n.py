"""The Simplified Chinese catalogue: complete, compiled, and used by the pages people see."""
import ast
import gettext
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from forum.humantime import ago, time_tag
from tests.factories import BoardFactory, make_topic
from tests.helpers import page

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sd]")


# --- the catalogue ---------------------------------------------------------------------------------


def _unquote(line: str) -> str:
    """A PO string literal ("...") as Python text; PO escapes are a subset of Python's."""
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """A minimal PO reader: one dict per entry with msgid, msgid_plural, msgstr (or msgstr[N]) and flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += _unquote(line)
            else:
                key, _, literal = line.partition(" ")
                entry[key] = _unquote(literal)
        if "msgid" in entry or entry.get("obsolete"):
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries():
    assert PO_FILE.exists(), f"{PO_FILE} is missing: run makemessages -l zh_Hans"
    return parse_po(PO_FILE)


def _messages(entries):
    """Every real message (not the header, not obsolete #~ leftovers)."""
    return [e for e in entries if e.get("msgid") and not e.get("obsolete")]


def test_header_declares_chinese_with_one_plural_form(po_entries):
    header = next(e for e in po_entries if e.get("msgid") == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: zh_Hans\n" in header["msgstr"]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["msgstr"]


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    messages = _messages(po_entries)
    assert len(messages) > 100  # the whole site, not a stub

    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = []
    for e in messages:
        if "msgid_plural" in e:
            forms = sorted(k for k in e if k.startswith("msgstr["))
            if forms != ["msgstr[0]"] or not e["msgstr[0]"].strip():
                untranslated.append(e["msgid"])
        elif not e.get("msgstr", "").strip():
            untranslated.append(e["msgid"])
    assert fuzzy == []
    assert untranslated == []


def test_translations_keep_every_placeholder(po_entries):
    wrong = []
    for e in _messages(po_entries):
        wanted = set(PLACEHOLDER_RE.findall(e["msgid"]))
        if "msgid_plural" in e:
            wanted |= set(PLACEHOLDER_RE.findall(e["msgid_plural"]))
            got = set(PLACEHOLDER_RE.findall(e["msgstr[0]"]))
        else:
            got = set(PLACEHOLDER_RE.findall(e["msgstr"]))
        if got != wanted:
            wrong.append((e["msgid"], sorted(wanted), sorted(got)))
    assert wrong == []


def test_translations_are_chinese(po_entries):
    """Each translation has Chinese text in it, so nothing was copied over in English."""
    han = re.compile(r"[\u4e00-\u9fff]")
    english = [e["msgid"] for e in _messages(po_entries)
               if not han.search(e.get("msgstr") or e.get("msgstr[0]", ""))]
    assert english == []


def test_msgfmt_accepts_the_catalogue():
    # GNU gettext is installed by `make test` (scripts/test.sh); without it this fails, it is never skipped
    assert shutil.which("msgfmt"), "GNU gettext's msgfmt is missing: apt-get install gettext"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "--statistics", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True, text=True, check=False, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip()
    assert "translated message" in stats
    assert "untranslated" not in stats
    assert "fuzzy" not in stats


REFRESH_COMMAND = (
    "DEBUG=1 .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var "
    "--ignore=staticfiles --ignore=tests --ignore=bench --ignore=scripts, translate the new entries, then "
    "DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv"
)
NOT_SCANNED = {".venv", "var", "staticfiles", "tests", "bench", "scripts"}


def test_catalogue_covers_every_string_in_the_source(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the project finds nothing new: each translatable string has its Chinese."""
    assert shutil.which("xgettext") and shutil.which("msgmerge"), "GNU gettext is missing: apt-get install gettext"
    from django.core.management import call_command

    base = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    copy.mkdir()
    for item in base.iterdir():
        if item.name.startswith(".") or item.name in NOT_SCANNED:
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(item, copy / item.name)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)

    call_command("makemessages", locale=["zh_Hans"], verbosity=0)

    fresh = _messages(parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert len(fresh) > 100
    missing = [e["msgid"] for e in fresh
               if "fuzzy" in e["flags"] or not (e.get("msgstr") or e.get("msgstr[0]"))]
    assert missing == [], f"new or changed strings need translating; run {REFRESH_COMMAND}"


def test_compiled_catalogue_matches_the_po_file(po_entries):
    """django.mo is what Django reads: it must exist and say what django.po says (compilemessages was run)."""
    assert MO_FILE.exists(), "run: manage.py compilemessages --ignore=.venv"
    with MO_FILE.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in _messages(po_entries):
        if "msgid_plural" in e:
            got = [mo.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2, 5)]
            if got != [e["msgstr[0]"]] * 3:
                stale.append(e["msgid"])
        elif mo.gettext(e["msgid"]) != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == []


# --- human times -----------------------------------------------------------------------------------


NOW = timezone.now()


@pytest.mark.parametrize(("delta", "expected"), [
    (timedelta(seconds=5), "刚刚"),
    (timedelta(minutes=1), "1 分钟前"),
    (timedelta(minutes=25), "25 分钟前"),
    (timedelta(hours=1), "1 小时前"),
    (timedelta(hours=3), "3 小时前"),
    (timedelta(days=2), "2 天前"),
    (timedelta(days=65), "2 个月前"),
    (timedelta(days=800), "2 年前"),
])
def test_human_times_in_chinese(delta, expected):
    with override("zh-hans"):
        assert ago(NOW - delta, NOW) == expected


def test_human_time_tag_in_chinese_and_back_in_english():
    three_hours_ago = NOW - timedelta(hours=3)
    with override("zh-hans"):
        assert ">3 小时前</time>" in time_tag(three_hours_ago, NOW)
    with override("en"):
        assert ago(three_hours_ago, NOW) == "3 hours ago"


# --- pages -----------------------------------------------------------------------------------------


def assert_chinese_layout(html: str) -> None:
    assert '<html lang="zh-hans">' in html
    assert "跳到主要内容" in html  # skip link
    assert "由开源论坛 Hearth 驱动。" in html  # footer
    assert ">语言</label>" in html


@pytest.fixture
def sourdough(db, member):
    board = BoardFactory(name="Sourdough", slug="sourdough", description="All about starters.")
    topic = make_topic(board=board, author=member, title="My starter is sluggish", body="Help please.")
    return board, topic


def test_board_index_in_chinese(client, sourdough):
    html = page(client.get("/", **ZH))

    assert_chinese_layout(html)
    assert "<h1>版块</h1>" in html
    assert "<dt>主题</dt>" in html and "<dt>帖子</dt>" in html
    assert "最新帖子" in html
    assert "alice 发表" in html
    assert ">刚刚</time>" in html
    assert ">登录</a>" in html and ">注册</a>" in html
    assert "<h1>Boards</h1>" not in html and ">Log in</a>" not in html


def test_browsers_asking_for_zh_cn_get_simplified_chinese(client, sourdough):
    html = page(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8"))

    assert '<html lang="zh-hans">' in html
    assert "<h1>版块</h1>" in html


def test_english_stays_the_default(client, sourdough):
    html = page(client.get("/"))

    assert '<html lang="en">' in html
    assert "<h1>Boards</h1>" in html
    assert "版块" not in html


def test_board_page_in_chinese(client, sourdough):
    html = page(client.get("/b/sourdough/", **ZH))

    assert_chinese_layout(html)
    assert '<li><a href="/">版块</a></li>' in html  # breadcrumb
    assert "登录后发表新主题" in html
    assert "1 个主题" in html and "1 篇帖子" in html
    assert ">主题</th>" in html and ">回复</th>" in html and ">最后发表</th>" in html
    assert "<summary>版规</summary>" in html
    assert "Sourdough 的主题" in html
    assert "Log in to start a topic" not in html


def test_archived_board_notice_in_chinese(client, db):
    BoardFactory(slug="old", is_archived=True)

    html = page(client.get("/b/old/", **ZH))

    assert "此版块已归档：可以浏览，但不再接受新帖子。" in html
    index = page(client.get("/", **ZH))
    assert "已归档版块" in index and "0 个主题" in index


def test_empty_board_in_chinese(member_client, db):
    BoardFactory(slug="empty")

    html = page(member_client.get("/b/empty/", **ZH))

    assert "这里还没有主题，快来发表第一个吧！" in html
    assert ">发表新主题</a>" in html


def test_topic_page_for_a_visitor_in_chinese(client, sourdough):
    _, topic = sourdough

    html = page(client.get(topic.get_absolute_url(), **ZH))

    assert_chinese_layout(html)
    assert '<li><a href="/">版块</a></li>' in html
    assert "1 篇帖子" in html
    assert ">登录</a>或<a" in html and "注册</a>后即可回复。" in html
    assert 'title="此帖子的链接"' in html


def test_topic_page_for_a_member_in_chinese(member_client, sourdough, member):
    _, topic = sourdough
    topic.is_pinned = True
    topic.save(update_fields=["is_pinned"])

    html = page(member_client.get(topic.get_absolute_url(), **ZH))

    assert '<h2 id="reply-heading">回复</h2>' in html
    assert ">发表回复</button>" in html and ">预览</button>" in html
    assert ">引用</a>" in html and ">编辑</a>" in html
    assert ">内容</label>" in html  # the form field's label
    assert "支持 Markdown：**粗体**" in html  # its help text
    assert '<span class="tag">置顶</span>' in html
    assert ">设置</a>" in html and ">退出登录</button>" in html


def test_cached_lists_follow_the_visitors_language(client, sourdough):
    """Anonymous visitors get the topic and post lists from a fragment cache: one copy per language."""
    _, topic = sourdough
    for _round in range(2):  # the second round is served from the cache
        en_board = page(client.get("/b/sourdough/", HTTP_ACCEPT_LANGUAGE="en"))
        zh_board = page(client.get("/b/sourdough/", **ZH))
        en_topic = page(client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
        zh_topic = page(client.get(topic.get_absolute_url(), **ZH))

        assert ">Last activity</th>" in en_board and "最后发表" not in en_board
        assert ">最后发表</th>" in zh_board and "Last activity" not in zh_board
        assert ">刚刚</time>" in zh_board
        assert 'title="Link to this post"' in en_topic and "此帖子的链接" not in en_topic
        assert 'title="此帖子的链接"' in zh_topic and "Link to this post" not in zh_topic
        assert ">刚刚</time>" in zh_topic


def test_topic_pagination_in_chinese(client, db, settings):
    settings.HEARTH = {**settings.HEARTH, "POSTS_PER_PAGE": 2}
    board = BoardFactory(slug="long")
    topic = make_topic(board=board, title="Long one", replies=2)  # 3 posts: two pages

    html = page(client.get(topic.get_absolute_url(), **ZH))

    assert 'aria-label="分页"' in html
    assert "下一页 ›" in html
    assert "第 1 页，共 2 页" in html
    second = page(client.get(topic.get_absolute_url() + "?page=2", **ZH))
    assert "‹ 上一页" in second and "第 2 页，共 2 页" in second


def test_form_errors_in_chinese(member_client, sourdough):
    _, topic = sourdough

    response = member_client.post(f"/t/{topic.pk}/reply/", {"body": "   "}, **ZH)

    assert response.status_code == 200
    html = page(response)
    assert "发帖前请先写点内容。" in html
    assert "回复“My starter is sluggish”" in html


def test_posting_refusal_in_chinese(client, sourdough, unverified_member):
    _, topic = sourdough
    client.force_login(unverified_member)

    html = page(client.get(topic.get_absolute_url(), **ZH))

    assert "验证邮箱地址后即可发帖。" in html  # the site-wide notice
    assert "发帖前请先验证你的邮箱地址。" in html  # why the reply box is missing


def test_forbidden_page_in_chinese(client, sourdough, unverified_member):
    client.force_login(unverified_member)

    response = client.get("/b/sourdough/new/", **ZH)

    assert response.status_code == 403
    html = page(response)
    assert_chinese_layout(html)
    assert "<h1>你无法在此执行该操作</h1>" in html
    assert "发帖前请先验证你的邮箱地址。" in html


def test_profile_in_chinese(client, sourdough, moderator):
    html = page(client.get("/u/alice/", **ZH))

    assert_chinese_layout(html)
    assert "<dt>加入时间</dt>" in html and "<dt>帖子</dt>" in html and "<dt>主题</dt>" in html
    assert "最近的帖子" in html
    assert "My starter is sluggish" in html

    mod_page = page(client.get("/u/mod/", **ZH))
    assert "<dt>身份</dt><dd>版主</dd>" in mod_page
    assert "mod 还没有发过帖子。" in mod_page


def test_preferences_in_chinese(member_client):
    html = page(member_client.get("/settings/", **ZH))

    assert "<h1>设置</h1>" in html
    assert ">时区</label>" in html
    assert "网站上的时间将按此时区显示。" in html
    assert ">网站默认</option>" in html

    response = member_client.post("/settings/", {"timezone": "Asia/Shanghai"}, follow=True, **ZH)
    assert "设置已保存。" in page(response)


@pytest.mark.parametrize("url", ["/no-such-page/", "/b/no-such-board/", "/t/987654/nothing/", "/u/nobody/"])
def test_not_found_page_in_chinese(client, db, url):
    response = client.get(url, **ZH)

    assert response.status_code == 404
    html = page(response)
    assert_chinese_layout(html)
    assert "<title>页面不存在 · Hearth</title>" in html
    assert "<h1>找不到该页面</h1>" in html
    assert ">返回版块列表</a>" in html
    assert "We couldn't find that page" not in html


def test_language_switcher_sets_and_unsets_chinese(client, sourdough):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/b/sourdough/"})
    assert response.status_code == 302
    assert response["Location"] == "/b/sourdough/"

    # No Accept-Language from here on: the choice is remembered in the language cookie.
    html = page(client.get("/b/sourdough/"))
    assert_chinese_layout(html)
    assert '<li><a href="/">版块</a></li>' in html
    assert '<option value="zh-hans" selected>' in html
    assert "<h1>版块</h1>" in page(client.get("/"))
    assert "<h1>找不到该页面</h1>" in page(client.get("/no-such-page/"))
    assert "<dt>加入时间</dt>" in page(client.get("/u/alice/"))

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = page(client.get("/"))
    assert '<html lang="en">' in html
    assert "<h1>Boards</h1>" in html
