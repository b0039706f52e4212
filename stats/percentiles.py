"""Median and 90th percentile in SQL, the same on SQLite and PostgreSQL: rows are numbered within each
group by their value (window functions), and only the two middle rows and the nearest-rank p90 row of each
group come back.

- median: the middle value; with an even count, the mean of the two middle values.
- p90: the nearest-rank 90th percentile, the value at rank ceil(0.9 n) in ascending order.
"""
from dataclasses import dataclass

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber


@dataclass
class Spread:
    count: int
    median: float
    p90: float


def spreads(queryset, value, keys: list[str]) -> dict[tuple, Spread]:
    """{group key tuple: Spread} over `value` (an expression) for each group of `keys` (annotation or
    field names) in `queryset`. One query."""
    partition = [F(k) for k in keys] or None
    rows = (queryset.annotate(stat_value=value)
            .annotate(stat_rank=Window(RowNumber(), partition_by=partition, order_by=F("stat_value").asc()),
                      stat_count=Window(Count("*"), partition_by=partition))
            .filter(Q(stat_rank=(F("stat_count") + 1) / 2) | Q(stat_rank=(F("stat_count") + 2) / 2)
                    | Q(stat_rank=(F("stat_count") * 9 + 9) / 10))
            .values(*keys, "stat_rank", "stat_count", "stat_value"))
    groups: dict[tuple, dict] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), {"n": row["stat_count"], "ranks": {}})["ranks"][
            row["stat_rank"]] = _number(row["stat_value"])
    result = {}
    for key, group in groups.items():
        n, ranks = group["n"], group["ranks"]
        median = (ranks[(n + 1) // 2] + ranks[(n + 2) // 2]) / 2
        result[key] = Spread(count=n, median=median, p90=ranks[(9 * n + 9) // 10])
    return result


def _number(value) -> float:
    """Seconds, whether the database gave a number or a duration."""
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
