from functools import lru_cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.db import connections, router

from members.models import Rank, User


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (log in with username or email), loading the member with their rank in the
    same query, since every page shows or checks it."""

    def get_user(self, user_id):
        user = member_with_rank(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def member_with_rank(user_id) -> User | None:
    """The member and their rank, as `User.objects.select_related("rank").filter(pk=user_id).first()` loads
    them, from a SELECT built once per process: every signed-in request makes this lookup, and compiling it
    through the ORM (some 90 columns) cost four times what the database takes to answer it."""
    alias = router.db_for_read(User)
    select = _member_select(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(select.sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, converters in select.converters:
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    split = len(select.user_names)
    user = User.from_db(alias, select.user_names, values[:split])
    user.rank = Rank.from_db(alias, select.rank_names, values[split:]) if values[split] is not None else None
    return user


class _MemberSelect:
    def __init__(self, alias: str):
        connection = connections[alias]
        quote = connection.ops.quote_name
        user_fields, rank_fields = User._meta.concrete_fields, Rank._meta.concrete_fields
        self.user_names = [f.attname for f in user_fields]
        self.rank_names = [f.attname for f in rank_fields]
        columns = [f.get_col("u") for f in user_fields] + [f.get_col("r") for f in rank_fields]
        u, r = quote("u"), quote("r")
        selected = ", ".join(f"{quote(c.alias)}.{quote(c.target.column)}" for c in columns)
        rank_key = quote(User._meta.get_field("rank").column)
        self.sql = (  # from the models' own names only
            f"SELECT {selected} FROM {quote(User._meta.db_table)} {u} "  # noqa: S608
            f"LEFT JOIN {quote(Rank._meta.db_table)} {r} ON {r}.{quote(Rank._meta.pk.column)} = {u}.{rank_key} "
            f"WHERE {u}.{quote(User._meta.pk.column)} = %s")
        # what the ORM's compiler would apply to each column's value (compiler.get_converters)
        self.converters = [
            (index, column, converters) for index, column in enumerate(columns)
            if (converters := connection.ops.get_db_converters(column) + column.get_db_converters(connection))]


@lru_cache(maxsize=4)
def _member_select(alias: str) -> _MemberSelect:
    return _MemberSelect(alias)
