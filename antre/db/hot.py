"""The booking's statements, their SQL built once per process instead of once per call.

The ORM compiles every query again each time it runs. The few statements a booking makes are small,
so compiling them costs more than running them: they are written here once from the model's own
fields and reused (bench/rush.py measures a booking).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models

M = TypeVar("M", bound=models.Model)

_INSERTS: dict[type[models.Model], tuple[str, list[models.Field]]] = {}
_PLANS: dict[type[models.Model], list[tuple[str, str, models.Field, bool, bool]]] = {}


def _column(field: models.Field) -> str:
    """A concrete field's column name (None only on a field without one, such as a many-to-many)."""
    if field.column is None:
        raise TypeError(f"{field} has no column")
    return field.column


def _field(model: type[models.Model], name: str) -> models.Field:
    """The model's field of that name; a relation's reverse side is no field of its table."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is the reverse side of a relation")
    return field


def _insert_statement(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    if model not in _INSERTS:
        connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(_column(f)) for f in fields)}) "  # noqa: S608 (names are the model's)
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(_column(meta.pk))}"
        )
        _INSERTS[model] = (sql, fields)
    return _INSERTS[model]


def _plan(model: type[models.Model]) -> list[tuple[str, str, models.Field, bool, bool]]:
    """Per column: (column, attname, field, whether pre_save does more than read the attribute,
    whether a None may skip the field's preparation). Built once, so that each booking runs the
    generic chain per field (pre_save, get_db_prep_save, get_prep_value) only where it does work."""
    if model not in _PLANS:
        plan: list[tuple[str, str, models.Field, bool, bool]] = []
        for f in _insert_statement(model)[1]:
            stamps = isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
            own_pre_save = type(f).pre_save is not models.Field.pre_save and (
                stamps or not isinstance(f, models.DateField)
            )
            plan.append((_column(f), f.attname, f, own_pre_save, not isinstance(f, models.JSONField)))
        _PLANS[model] = plan
    return _PLANS[model]


def _column_values(obj: models.Model, connection) -> dict[str, Any]:
    """A new instance's column values as Model.save() prepares them for an insert."""
    values = {}
    for column, attname, field, own_pre_save, none_is_none in _plan(type(obj)):
        value = field.pre_save(obj, True) if own_pre_save else getattr(obj, attname)
        values[column] = None if value is None and none_is_none else field.get_db_prep_save(value, connection)
    return values


def insert(obj: models.Model) -> models.Model:
    """Insert a new instance as Model.save() would (defaults, auto_now_add), without signals.

    Only for models no signal receiver listens to; the caller's transaction applies.
    """
    sql, _fields = _insert_statement(type(obj))
    connection = connections[DEFAULT_DB_ALIAS]  # looked up once: each lookup goes through a thread-local
    values = list(_column_values(obj, connection).values())
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return stored(obj, cursor.fetchone()[0])


def stored(obj: models.Model, pk) -> models.Model:
    """Mark an instance as the row with primary key `pk`, as Model.save() leaves it."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    return obj


def row_json(obj: models.Model) -> str:
    """A new instance's column values as a JSON object, as Model.save() would write them.

    For a database function that inserts the row itself (jsonb_populate_record on PostgreSQL):
    defaults and auto_now_add are applied to the instance, as insert() does, and each value is
    prepared by its field; the JSON text of dates and times is what PostgreSQL reads back exactly.
    """
    row = _column_values(obj, connections[DEFAULT_DB_ALIAS])
    return json.dumps(row, default=_json_value, separators=(",", ":"))


def _json_value(value):
    if isinstance(value, dt.date | dt.time):  # datetimes too; isoformat keeps microseconds and offset
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"no JSON for {type(value).__name__}")


_SELECTS: dict[tuple[type[models.Model], str | None], tuple] = {}


def _columns(model: type[models.Model], alias: str, connection):
    """Quoted columns of a model's table under an alias, their attnames, and the ORM's converters."""
    meta = model._meta
    fields = list(meta.concrete_fields)
    converters = []  # what the ORM would apply to each column (decimals on SQLite, say)
    for i, field in enumerate(fields):
        col = field.get_col(meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, [(convert, col) for convert in found]))
    quote = connection.ops.quote_name
    return [f"{alias}.{quote(_column(f))}" for f in fields], [f.attname for f in fields], converters


def _select_statement(model: type[models.Model], related: str | None):
    if (model, related) not in _SELECTS:
        connection = connections[DEFAULT_DB_ALIAS]
        quote = connection.ops.quote_name
        columns, attnames, converters = _columns(model, "m", connection)
        sql = f"FROM {quote(model._meta.db_table)} m"
        parts = [(model, attnames, converters, 0, len(columns))]
        if related:
            fk = _field(model, related)
            if not isinstance(fk, models.ForeignKey):
                raise TypeError(f"{model.__name__}.{related} is not a foreign key")
            other = fk.related_model
            more, other_attnames, other_converters = _columns(other, "r", connection)
            sql += (
                f" JOIN {quote(other._meta.db_table)} r"
                f" ON r.{quote(_column(other._meta.pk))} = m.{quote(_column(fk))}"
            )
            parts.append((other, other_attnames, other_converters, len(columns), len(more)))
            columns += more
        _SELECTS[(model, related)] = (f"SELECT {', '.join(columns)} {sql}", parts)  # noqa: S608 (names are the models')
    return _SELECTS[(model, related)]


def first(model: type[M], where: str, params: list, *, related: str | None = None) -> M | None:
    """The first row of the model's table WHERE `where`, as an instance, or None.

    `where` names columns and has %s placeholders; it is a constant of the caller, never input.
    The table is aliased `m`. With `related` (a foreign key's name) the row it points to comes in
    the same query, as select_related() would bring it, aliased `r`.
    """
    sql, parts = _select_statement(model, related)
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {where} LIMIT 1", params)
        row = cursor.fetchone()
    if row is None:
        return None
    instances = []
    for part_model, attnames, converters, start, length in parts:
        values = list(row[start : start + length])
        for i, chain in converters:
            for convert, col in chain:
                values[i] = convert(values[i], col, connection)
        instances.append(part_model.from_db(connection.alias, attnames, values))
    if related:
        setattr(instances[0], related, instances[1])
    return instances[0]


_VALUES: dict[tuple, str] = {}


def values(model: type[models.Model], names: list[str], pk) -> tuple:
    """Some columns of one row, by primary key, as the database has them now (no conversion)."""
    key = (model, *names)
    if key not in _VALUES:
        connection = connections[DEFAULT_DB_ALIAS]
        quote = connection.ops.quote_name
        meta = model._meta
        columns = ", ".join(quote(_column(_field(model, name))) for name in names)
        _VALUES[key] = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(_column(meta.pk))} = %s"  # noqa: S608 (names are the model's)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_VALUES[key], [pk])
        return cursor.fetchone()
