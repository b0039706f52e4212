"""The few tiny lookups a signed-in page makes on every view (their watch level, read position, likes), at a
fraction of the ORM's cost.

Building and compiling a QuerySet costs about half a millisecond of Python, several times what the database
takes to answer a lookup by an indexed key; a member's page made four such lookups a visitor's page does not.
`values(Model, ["column", ...], field=value, other__in=[...])` runs the same SELECT from SQL written once
per shape and process: only equality and `__in` on concrete fields, rows as tuples of what the database
driver returns (fit for integers and text; the ORM's converters do not run). `smallest(Model, "column")`
is a MIN over the whole table. Reads go to the database the routers choose for the model, as the ORM's
would.
"""
from functools import lru_cache

from django.db import connections, router


@lru_cache(maxsize=128)
def _sql(model, columns: tuple[str, ...], conditions: tuple[tuple[str, int | None], ...], vendor_alias: str) -> str:
    """conditions: (field name, None) for equality, (field name, n) for `in` n values."""
    quote = connections[vendor_alias].ops.quote_name
    meta = model._meta

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    where = []
    for name, count in conditions:
        if count is None:
            where.append(f"{column(name)} = %s")
        else:
            where.append(f"{column(name)} IN ({', '.join(['%s'] * count)})")
    return (f"SELECT {', '.join(column(c) for c in columns)} FROM {quote(meta.db_table)} "  # noqa: S608
            f"WHERE {' AND '.join(where)}")


@lru_cache(maxsize=32)
def _min_sql(model, column: str, alias: str) -> str:
    quote = connections[alias].ops.quote_name
    return f"SELECT MIN({quote(model._meta.get_field(column).column)}) FROM {quote(model._meta.db_table)}"  # noqa: S608


def smallest(model, column: str):
    """The smallest value of `column` over all of `model`'s rows (None when there are none)."""
    alias = router.db_for_read(model)
    with connections[alias].cursor() as cursor:
        cursor.execute(_min_sql(model, column, alias))
        return cursor.fetchone()[0]


def values(model, columns: list[str], **filters) -> list[tuple]:
    """Rows of `columns` of `model` matching every filter (`name=value` or `name__in=[...]`, on fields by name;
    a foreign key by its `_id`). An empty `__in` matches nothing, without asking the database."""
    conditions, params = [], []
    for key, value in sorted(filters.items()):
        if key.endswith("__in"):
            value = list(value)
            if not value:
                return []
            conditions.append((key.removesuffix("__in"), len(value)))
            params.extend(value)
        else:
            conditions.append((key, None))
            params.append(value)
    alias = router.db_for_read(model)
    sql = _sql(model, tuple(columns), tuple(conditions), alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
