"""Pagination from denormalized counts: no COUNT(*) per page view, and no page dearer than the first."""
from dataclasses import dataclass

from django.db.models import QuerySet

from forum.numbers import parse_int


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
