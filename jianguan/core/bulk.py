"""Insert many rows of one model without building its SQL per object.

``bulk_create`` prepares every field of every object through the ORM (``get_db_prep_save``,
an expression check, a placeholder per value): for the site monitors' ingest that was half of
the time spent per reading. Here each row is adapted once by the field's own database
preparation, and the rows go in one statement whose text does not grow with them: on SQLite a
prepared INSERT run with ``executemany`` (SQLite's C loop); on PostgreSQL one array per
column, ``INSERT ... SELECT * FROM unnest(%s::type[], ...)``. Nothing is returned but what
``insert_new`` asks for: the rows' ids are not read back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

#: Field types whose Python values the database drivers take as they are.
PLAIN = frozenset(
    {
        "CharField",
        "TextField",
        "FloatField",
        "BooleanField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "SmallIntegerField",
        "ForeignKey",
    }
)


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    objects: Iterable[Any],
    *,
    ignore_conflicts: bool = False,
) -> int:
    """Insert ``objects`` (model instances or anything with those attributes), writing the
    named fields (attribute names: ``device_id`` for a foreign key). With ``ignore_conflicts``
    a row that breaks a unique constraint is skipped, as ``bulk_create(ignore_conflicts=True)``.
    Returns the number of rows offered."""
    connection, table, columns, rows = _prepared(model, fields, objects)
    if not rows:
        return 0
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""  # SQLite 3.24+, PG 9.5+
    cursor, mark = _cursor(connection)
    with cursor as cur:
        if connection.vendor == "postgresql":
            sql = _unnest_sql(connection, table, columns, mark)
            cur.execute(sql + conflict, _by_column(columns, rows))
        else:
            cur.executemany(_insert_sql(connection, table, columns) + conflict, rows)
    return len(rows)


def insert_new(
    model: type[Model], fields: Sequence[str], objects: Sequence[Any], *, key: Sequence[str]
) -> list[int]:
    """Insert ``objects``, skipping those whose ``key`` fields (a unique constraint) are
    already stored, and return the positions of the objects that were inserted: the database
    says which (``ON CONFLICT DO NOTHING RETURNING``, SQLite 3.35+), no read beforehand. The
    objects' own key values must be unique among them."""
    connection, table, columns, rows = _prepared(model, fields, objects)
    if not rows:
        return []
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    key_fields = [by_attname[name] for name in key]
    q = connection.ops.quote_name
    returning = ", ".join(q(f.column) for f in key_fields)
    # Matched in the database's own form: the key values as written (the prepared row) come
    # back as written (SQLite's text, as a naive datetime; PostgreSQL's aware datetimes, equal
    # to any aware datetime of the same instant); _canon when a driver gives another form.
    at = [columns.index(f) for f in key_fields]
    positions = {tuple(row[i] for i in at): n for n, row in enumerate(rows)}
    cursor, mark = _cursor(connection)
    if connection.vendor == "postgresql":
        statements = [(_unnest_sql(connection, table, columns, mark), _by_column(columns, rows))]
    else:
        statements = _multi_row(connection, table, columns, rows)
    inserted: list[int] = []
    with cursor as cur:
        for sql, params in statements:
            cur.execute(f"{sql} ON CONFLICT DO NOTHING RETURNING {returning}", params)
            back = cur.fetchall()
            try:
                inserted += [positions[tuple(map(_as_written, values))] for values in back]
            except KeyError:
                inserted += _match(key_fields, objects, back)
    return sorted(inserted)


def _as_written(value):
    # SQLite's driver turns the text written into a naive datetime; str() is that text again
    if type(value) is dt.datetime and value.tzinfo is None:
        return str(value)
    return value


def _match(key_fields, objects, back) -> list[int]:
    positions = {
        tuple(_canon(f, getattr(obj, f.attname)) for f in key_fields): i
        for i, obj in enumerate(objects)
    }
    return [
        positions[tuple(_canon(f, v) for f, v in zip(key_fields, values, strict=True))]
        for values in back
    ]


#: Bound parameters per statement: SQLite allows 32,766 (3.32+), PostgreSQL 65,535.
MAX_PARAMS = 30_000


def _canon(field, value):
    """One form for a key value as given and as the database returns it (datetimes: aware
    UTC, whether the driver gives text, a naive UTC time or an aware one)."""
    if field.get_internal_type() != "DateTimeField" or value is None:
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(dt.UTC)


def _prepared(model, fields, objects):
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    columns = [by_attname[name] for name in fields]
    getter = attrgetter(*(f.attname for f in columns))
    # only the fields that need it go through the field's preparation (datetimes, JSON)
    prep = [
        (i, _adapter(f, connection))
        for i, f in enumerate(columns)
        if f.get_internal_type() not in PLAIN
    ]
    rows = []
    for obj in objects:
        row = list(getter(obj)) if len(columns) > 1 else [getter(obj)]
        for i, prepare in prep:
            row[i] = prepare(row[i])
        rows.append(row)
    return connection, meta.db_table, columns, rows


def _adapter(field, connection):
    """The field's database preparation, with a shortcut for aware datetimes (every time the
    ingest writes): what Django's backends make of one, without the per-value checks, which
    were a sixth of the writer's time."""
    prepare = field.get_db_prep_save
    if field.get_internal_type() == "JSONField":
        # Nearly every reading's "rejected" is {}: its database form is made once a batch
        # (on PostgreSQL each one was a Jsonb wrapper with its own encoder, a tenth of the
        # writer thread).
        return partial(_json, prepare, connection, prepare({}, connection))
    if field.get_internal_type() != "DateTimeField" or not settings.USE_TZ:
        return partial(_call, prepare, connection)
    if connection.vendor == "postgresql":
        return partial(_aware_as_is, prepare, connection)
    if connection.vendor == "sqlite":
        return partial(_aware_as_text, prepare, connection, connection.timezone)
    return partial(_call, prepare, connection)


def _call(prepare, connection, value):
    return prepare(value, connection)


def _json(prepare, connection, empty, value):
    if type(value) is dict and not value:
        return empty
    return prepare(value, connection)


def _aware_as_is(prepare, connection, value):
    if type(value) is dt.datetime and value.tzinfo is not None:
        return value
    return prepare(value, connection)


def _aware_as_text(prepare, connection, zone, value):
    # sqlite3's DatabaseOperations.adapt_datetimefield_value: naive in the connection's zone
    if type(value) is dt.datetime and value.tzinfo is not None:
        return str(value.astimezone(zone).replace(tzinfo=None))
    return prepare(value, connection)


def _cursor(connection):
    """(Django's cursor, the placeholder for an array). On PostgreSQL with psycopg 3, a
    cursor that sends the parameters apart from the statement, in binary (``%b``): Django's
    own cursor quotes each array into the statement's text in Python, element by element
    (a fifth of the listener's writer thread); still wrapped by Django (its errors, the
    execute wrappers, the query log)."""
    if connection.vendor == "postgresql":
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        if is_psycopg3:
            import psycopg

            connection.ensure_connection()
            with connection.wrap_database_errors:
                raw = psycopg.Cursor(connection.connection)
                return connection._prepare_cursor(raw), "%b"
    return connection.cursor(), "%s"


def _by_column(columns, rows):
    arrays = [list(column) for column in zip(*rows, strict=True)]
    for field, values in zip(columns, arrays, strict=True):
        # A binary array is of one type: a column of mixed Python types (an int among
        # floats) goes through the field's own conversion.
        kinds = {type(value) for value in values}
        kinds.discard(type(None))
        if len(kinds) > 1:
            values[:] = [None if v is None else field.to_python(v) for v in values]
    return arrays


def _unnest_sql(connection, table, columns, mark="%s") -> str:
    """PostgreSQL: the rows as one array per column. A multi-row VALUES list was a statement
    of 7,500 placeholders a batch that psycopg split and quoted in Python each time (half the
    ingest's CPU); this text is short and the same every time. It also has no parameter
    limit, so a batch is one statement."""
    q = connection.ops.quote_name
    arrays = ", ".join(f"{mark}::{f.db_type(connection)}[]" for f in columns)
    return (
        f"INSERT INTO {q(table)} ({', '.join(q(f.column) for f in columns)}) "
        f"SELECT * FROM unnest({arrays})"
    )


def _multi_row(connection, table, columns, rows):
    """SQLite: (INSERT ... VALUES (...), (...), ..., its parameters) per chunk under
    MAX_PARAMS (``executemany`` cannot say which rows went in)."""
    per = max(1, MAX_PARAMS // len(columns))
    one = f"({', '.join(['%s'] * len(columns))})"
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        values = ", ".join([one] * len(chunk))
        yield (
            _insert_sql(connection, table, columns, values=values),
            [v for row in chunk for v in row],
        )


def _insert_sql(connection, table, columns, *, values: str | None = None) -> str:
    q = connection.ops.quote_name
    values = values or f"({', '.join(['%s'] * len(columns))})"
    return f"INSERT INTO {q(table)} ({', '.join(q(f.column) for f in columns)}) VALUES {values}"
