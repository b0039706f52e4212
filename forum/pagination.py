"""Pagination from denormalized counts: no COUNT(*) per page view, and no page dearer than the first; and by key
(Keyset) for the lists where a page number has no use."""
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import DateTimeField, F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from forum.numbers import MAX_ID, parse_int


class PageOutOfRange(Exception):
    """Raised with the page number the visitor should be sent to instead."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


@dataclass(frozen=True)
class PageInfo:
    number: int
    num_pages: int
    per_page: int
    count: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to show, with None where a gap ('…') goes: 1 … 7 8 [9] 10 11 … 40."""
        shown = {1, self.num_pages, *range(self.number - around, self.number + around + 1)}
        pages = sorted(n for n in shown if 1 <= n <= self.num_pages)
        out: list[int | None] = []
        for n in pages:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def num_pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def page_info(raw: str | None, *, count: int, per_page: int) -> PageInfo:
    """Parse ?page=. A missing page is page 1; a page that is not a positive number or past the
    end raises PageOutOfRange with the page to redirect to."""
    last = num_pages(count, per_page)
    if raw is None or raw == "":
        number = 1
    else:
        number = parse_int(raw, minimum=1)  # "²", "-3", "x": not a page; 25 digits: past the end
        if number is None:
            too_far = raw.isascii() and raw.isdigit() and int(raw) > 0
            raise PageOutOfRange(last if too_far else 1)
        if number > last:
            raise PageOutOfRange(last)
    return PageInfo(number=number, num_pages=last, per_page=per_page, count=count)


def page_rows(listed: QuerySet, info: PageInfo) -> QuerySet:
    """The rows of one page of `listed` (a queryset in its list order): rows_between for the page."""
    return rows_between(listed, info.offset, info.offset + info.per_page)


def rows_between(listed: QuerySet, start: int, stop: int) -> QuerySet:
    """Rows start..stop of `listed` (a queryset in its list order), as a deferred join: their ids are picked
    from the list's index alone (an index-only scan that steps over `start` entries), and only those rows are
    read and joined. An OFFSET on the joined query reads and joins every row it skips, so the last page of a
    board with 5,000 topics cost 200 times its first. The caller orders the result again (the ids come back
    as a set) and adds its select_related."""
    ids = listed.values("pk")[start:stop]
    return listed.model.objects.filter(pk__in=ids)


# ---------------------------------------------------------------- keyset ("seek") pagination

class NotAPage(Exception):
    """A cursor (?after=, ?before=) that is not a key of the list (cut short, edited by hand, from another list's
    link), or one past either end of it (its rows are gone): the view answers with the list's first page."""


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_KEY = re.compile(r"[0-9]{1,18}(?:_[0-9]{1,18}){0,7}")  # plain ASCII digits only: no sign, blank or "²"


@dataclass(frozen=True)
class SeekPage:
    """One page of a list read by its key. `previous_cursor` and `next_cursor` are the keys (as text, for a link)
    of the first and last rows when there are rows before or after them; None at either end."""
    rows: list
    previous_cursor: str | None
    next_cursor: str | None


class Keyset:
    """A list in descending order of `columns` of `model`, the last of them unique (the id): each page starts
    where the one before it stopped, by the key of its last row, rather than by counting rows from the top. With
    an index on the list's filter and these columns in this order, any page is an index range scan that reads
    only its own rows: `(a, b, id) < (x, y, z)` (a row comparison, which PostgreSQL takes as the index scan's
    start) then a LIMIT. An OFFSET reads and drops every row before the page, so a deep page cost what all the
    pages above it did, and on a long list the planner would rather sort the whole list.

    A key travels in a link as its values joined by "_": whole numbers as they are, times as microseconds since
    1970 (UTC). A key need not be a row that still exists: a page after a deleted row starts where it was."""

    def __init__(self, model, columns: tuple[str, ...]):
        self.model = model
        self.columns = columns
        self.fields = [model._meta.pk if name in ("id", "pk") else model._meta.get_field(name) for name in columns]

    def key_of(self, row) -> tuple:
        return tuple(getattr(row, field.attname) for field in self.fields)

    def encode(self, key: tuple) -> str:
        return "_".join(str((value - EPOCH) // _MICROSECOND) if isinstance(value, datetime) else str(int(value))
                        for value in key)

    def decode(self, text: str) -> tuple:
        """The key a cursor stands for, each value within its column's range; NotAPage when it is not one."""
        if not _KEY.fullmatch(text):
            raise NotAPage(text)
        parts = text.split("_")
        if len(parts) != len(self.fields):
            raise NotAPage(text)
        key = []
        for part, field in zip(parts, self.fields, strict=True):
            if isinstance(field, DateTimeField):
                number = parse_int(part, minimum=0, maximum=(_LATEST - EPOCH) // _MICROSECOND)
                value = None if number is None else EPOCH + number * _MICROSECOND
            else:
                low, high = connection.ops.integer_field_range(field.get_internal_type())
                value = parse_int(part, minimum=max(low or 0, 0), maximum=MAX_ID if high is None else high)
            if value is None:
                raise NotAPage(text)
            key.append(value)
        return tuple(key)

    def page(self, listed: QuerySet, *, after: str | None, before: str | None, per_page: int,
             select_related: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> SeekPage:
        """The page of `listed` (the list's rows, filtered; the order is set here) just after the key `after` or
        just before the key `before` (text from a link), or the first page when neither is given; its rows with
        `select_related` and, when given, `only` those fields. NotAPage for a cursor that is not a key, for both
        at once, and for a cursor with no rows beyond it.

        One statement, a deferred join: the page's ids from the list's index alone (entered at the key, stopped
        after per_page + 1 entries), then only those rows read and joined. Reading and joining the rows in the
        same statement left the plan to the planner's estimate of the row comparison, which it makes from the
        first column alone: on a forum where most members share a rank it expected one member above the key, and
        hashed and sorted all 5,000."""
        if after and before:
            raise NotAPage(before)
        cursor = after or before
        downwards = [F(name).desc() for name in self.columns]
        if cursor:
            key, here = self.decode(cursor), Tuple(*(F(name) for name in self.columns))
            listed = listed.filter(TupleLessThan(here, key) if after else TupleGreaterThan(here, key))
        # before a key: the rows just above it, read upwards from it
        ordered = listed.order_by(*([F(name).asc() for name in self.columns] if before else downwards))
        rows = rows_between(ordered, 0, per_page + 1).select_related(*select_related)
        rows = list((rows.only(*only) if only else rows).order_by(*downwards))
        if before:
            more_before, more_after = len(rows) > per_page, True
            rows = rows[-per_page:]
        else:
            more_before, more_after = bool(cursor), len(rows) > per_page
            rows = rows[:per_page]
        if cursor and not rows:
            raise NotAPage(cursor)
        return SeekPage(rows=rows, previous_cursor=self.encode(self.key_of(rows[0])) if more_before else None,
                        next_cursor=self.encode(self.key_of(rows[-1])) if more_after else None)
