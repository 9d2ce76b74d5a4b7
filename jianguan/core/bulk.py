"""Insert many rows of one model without building its SQL per object.

``bulk_create`` prepares every field of every object through the ORM (``get_db_prep_save``,
an expression check, a placeholder per value): for the site monitors' ingest that was half of
the time spent per reading. Here each row is adapted once by the field's own database
preparation, and the statement is one prepared INSERT run with ``executemany`` (SQLite's C
loop; psycopg's pipeline on PostgreSQL). Nothing is returned: the rows' ids are not read back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.db import connections, router
from django.db.models import Model

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
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    columns = [by_attname[name] for name in fields]
    getter = attrgetter(*(f.attname for f in columns))
    # only the fields that need it go through the field's preparation (datetimes, JSON)
    prep = [
        (i, f.get_db_prep_save) for i, f in enumerate(columns) if f.get_internal_type() not in PLAIN
    ]
    rows = []
    for obj in objects:
        row = list(getter(obj)) if len(columns) > 1 else [getter(obj)]
        for i, prepare in prep:
            row[i] = prepare(row[i], connection)
        rows.append(row)
    if not rows:
        return 0
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"  # SQLite 3.24+, PostgreSQL 9.5+
    with connection.cursor() as cur:
        cur.executemany(sql, rows)
    return len(rows)
