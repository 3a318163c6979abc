"""Statements of the opening rush whose SQL is built once per process instead of once per call.

The ORM compiles every query again each time it runs. For the few statements a booking makes,
that compiling cost more than running them (profiled: about two thirds of a booking's time), so
they are written here once from the model's own fields and reused.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, models

_INSERTS: dict[type[models.Model], tuple[str, list[models.Field]]] = {}


def _insert_statement(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    if model not in _INSERTS:
        connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 (names are the model's)
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
        )
        _INSERTS[model] = (sql, fields)
    return _INSERTS[model]


def insert(obj: models.Model) -> models.Model:
    """Insert a new instance as Model.save() would (defaults, auto_now_add), without signals.

    Only for models no signal receiver listens to; the caller's transaction applies.
    """
    sql, fields = _insert_statement(type(obj))
    connection = connections[DEFAULT_DB_ALIAS]  # looked up once: each lookup goes through a thread-local
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


_SELECTS: dict[type[models.Model], tuple[str, list[str], list[tuple[int, list]]]] = {}


def _select_statement(model: type[models.Model]):
    if model not in _SELECTS:
        connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        fields = list(meta.concrete_fields)
        quote = connection.ops.quote_name
        sql = f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(meta.db_table)}"  # noqa: S608
        converters = []  # what the ORM would apply to each column (decimals on SQLite, say)
        for i, field in enumerate(fields):
            col = field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((i, [(convert, col) for convert in found]))
        _SELECTS[model] = (sql, [f.attname for f in fields], converters)
    return _SELECTS[model]


def first(model: type[models.Model], where: str, params: list) -> models.Model | None:
    """The first row of the model's table WHERE `where`, as an instance, or None.

    `where` names columns and has %s placeholders; it is a constant of the caller, never input.
    """
    sql, attnames, converters = _select_statement(model)
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {where} LIMIT 1", params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, chain in converters:
        for convert, col in chain:
            values[i] = convert(values[i], col, connection)
    return model.from_db(connection.alias, attnames, values)
