"""Production logging: `extra` fields are shown (plain) or kept as JSON keys (json)."""
import json
import logging
import sys

from forum.logging import ExtraFormatter, JsonFormatter


def record(**extra) -> logging.LogRecord:
    rec = logging.LogRecord("boards.services", logging.INFO, __file__, 1, "post created", (), None)
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_plain_lines_show_the_extra_fields():
    line = ExtraFormatter("%(levelname)s %(name)s %(message)s").format(record(post_id=7, by=3))
    assert line == "INFO boards.services post created by=3 post_id=7"


def test_plain_lines_without_extras_are_unchanged():
    assert ExtraFormatter("%(message)s").format(record()) == "post created"


def test_a_traceback_stays_below_the_fields():
    try:
        raise ValueError("boom")
    except ValueError:
        rec = record(topic_id=5)
        rec.exc_info = sys.exc_info()
    first, *rest = ExtraFormatter("%(message)s").format(rec).splitlines()
    assert first == "post created topic_id=5"
    assert rest[0].startswith("Traceback") and rest[-1] == "ValueError: boom"


def test_json_lines_carry_the_extra_fields():
    entry = json.loads(JsonFormatter().format(record(post_id=7, by=3)))
    assert entry["message"] == "post created" and entry["logger"] == "boards.services"
    assert entry["level"] == "INFO" and (entry["post_id"], entry["by"]) == (7, 3)


def test_the_settings_use_these_formatters(settings):
    assert settings.LOGGING["formatters"]["plain"]["()"] == "forum.logging.ExtraFormatter"
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False
