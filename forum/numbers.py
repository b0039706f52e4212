"""Numbers from URLs and forms. `str.isdigit()` and `int()` accept "²", "٣" and 5,000-digit strings;
these accept only plain ASCII digits, within bounds, and answer None for anything else."""
import re

_DIGITS = re.compile(r"[0-9]{1,18}")
MAX_ID = 2**63 - 1  # PostgreSQL's bigint


def parse_int(text, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The whole number in `text` (an int passes through), or None when it is not one within bounds."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    else:
        text = (text or "").strip() if isinstance(text, str) else ""
        if not _DIGITS.fullmatch(text):
            return None
        value = int(text)
    return value if minimum <= value <= maximum else None


def parse_id(text) -> int | None:
    """A database id: 1 up to bigint's largest."""
    return parse_int(text, minimum=1)
