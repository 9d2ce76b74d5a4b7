"""On PostgreSQL, readings live in a table partitioned by Beijing month (SQLite: unchanged).

Monthly partitions let retention drop a month at once instead of deleting row by row, and keep
each month's indexes small enough to stay in memory while the table grows by millions of rows
a month. A DEFAULT partition takes any reading whose month has no partition yet, so none is
ever refused; ``reading_partitions_ensure`` (hourly) creates the months ahead.

The ORM sees the same columns, so the migration state does not change. The primary key becomes
(id, time), because a partitioned table's unique keys must hold the partition key; ids stay
unique through the identity sequence, which continues past the copied ids.
"""

from django.db import migrations
from django.utils import timezone

from jianguan.smartsite.monitors import partitions as p

REBUILT = f"{p.TABLE}_rebuilt"
MONTHS_AHEAD = 2  # as reading_partitions_ensure's default, which takes over from here


def _refuse_references(cur) -> None:
    cur.execute(
        "SELECT conname, conrelid::regclass::text FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND contype = 'f'",
        [p.TABLE],
    )
    found = cur.fetchall()
    if found:
        # Copy-and-swap would leave these pointing at the dropped table.
        raise RuntimeError(f"{p.TABLE} is referenced by foreign keys {found}; migrate them first")


def _keys_and_indexes(cur) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The table's constraints (name, kind, definition) and its other indexes' definitions."""
    cur.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'x') ORDER BY contype",
        [p.TABLE],
    )
    constraints = cur.fetchall()
    cur.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)",
        [p.TABLE],
    )
    # a partitioned parent's index reads "ON ONLY": on the rebuilt table it must cover all
    indexes = [row[0].replace(" ON ONLY ", " ON ") for row in cur.fetchall()]
    return constraints, indexes


def _months_holding_rows(cur) -> list[p.Month]:
    # Months that hold readings, not every month since the oldest: a device with a wrong clock
    # (year 2000) would otherwise create hundreds of empty partitions.
    cur.execute(
        f"SELECT DISTINCT to_char(\"time\" AT TIME ZONE '{p.ZONE_NAME}', 'YYYY-MM') "
        f'FROM "{p.TABLE}"'
    )
    return [p.parse_month(row[0]) for row in cur.fetchall()]


def _rebuild(schema_editor, *, partitioned: bool) -> None:
    """Copy the readings into a new table of the other kind and give it the old one's name,
    keys, indexes and id sequence."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        # Deferred foreign-key checks of rows written earlier in this transaction would keep
        # the old table from being dropped; run them now, as Django does before DDL.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _refuse_references(cur)
        constraints, indexes = _keys_and_indexes(cur)
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [p.TABLE])
        cur.execute(f"SELECT last_value, is_called FROM {cur.fetchone()[0]}")
        last_value, is_called = cur.fetchone()
        last_id = last_value if is_called else last_value - 1
        if partitioned:
            cur.execute(p.create_partitioned_sql(REBUILT))
            cur.execute(p.default_partition_sql(REBUILT))
            ahead = p.months_ahead(timezone.now(), MONTHS_AHEAD)
            for month in p.sorted_unique([*_months_holding_rows(cur), *ahead]):
                cur.execute(p.month_partition_sql(month, REBUILT))
        else:
            cur.execute(p.create_plain_sql(REBUILT))
        cur.execute(f'INSERT INTO "{REBUILT}" SELECT * FROM "{p.TABLE}"')
        cur.execute(f'DROP TABLE "{p.TABLE}"')  # its partitions go with it
        cur.execute(f'ALTER TABLE "{REBUILT}" RENAME TO "{p.TABLE}"')
        primary_key = 'PRIMARY KEY (id, "time")' if partitioned else "PRIMARY KEY (id)"
        for name, kind, definition in constraints:
            definition = primary_key if kind == "p" else definition
            cur.execute(f'ALTER TABLE "{p.TABLE}" ADD CONSTRAINT "{name}" {definition}')
        for definition in indexes:
            cur.execute(definition)
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [p.TABLE])
        sequence = cur.fetchone()[0]
        cur.execute(
            f'SELECT setval(%s, GREATEST(%s, (SELECT COALESCE(MAX(id), 0) FROM "{p.TABLE}")) + 1,'
            " false)",
            [sequence, last_id],
        )
        cur.execute(f'ALTER SEQUENCE {sequence} RENAME TO "{p.TABLE}_id_seq"')


def to_partitioned(apps, schema_editor):
    _rebuild(schema_editor, partitioned=True)


def to_plain(apps, schema_editor):
    _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("smartsite", "0006_worker_blacklist_signatures")]

    operations = [migrations.RunPython(to_partitioned, to_plain)]
