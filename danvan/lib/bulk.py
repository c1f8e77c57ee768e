"""Insert many rows of one model at once, from tuples of values rather than instances.

``QuerySet.bulk_create`` takes model instances and passes each value of each through the
SQL compiler (pre_save, get_db_prep_save, its placeholder), which is most of the time of
a large import: 80,000 practice models of 27 columns took 20 s, their SQL 2 s. Here the
caller gives the values of the columns it fills, as tuples, in the fields' own terms (a
foreign key by its id); each other column gets its field's default (auto_now dates: the
time of the insert), computed once. Values Django would pass through unchanged (text for
a text column, an int for an integer or a key, None) are not converted; the others go
through their field's ``get_db_prep_save``, once for each distinct value.

As with bulk_create: no save(), no signals, no history rows; the caller checks the rows.
"""

import datetime
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.models import Field, Model

# Internal types whose get_db_prep_save gives back a value of these types unchanged.
_AS_THEY_ARE: dict[str, tuple[type, ...]] = {
    "CharField": (str,),
    "TextField": (str,),
    "SlugField": (str,),
    "EmailField": (str,),
    "URLField": (str,),
    "IntegerField": (int,),
    "SmallIntegerField": (int,),
    "BigIntegerField": (int,),
    "PositiveIntegerField": (int,),
    "PositiveSmallIntegerField": (int,),
    "PositiveBigIntegerField": (int,),
    "AutoField": (int,),
    "BigAutoField": (int,),
    "SmallAutoField": (int,),
    "BooleanField": (bool,),
}
# Values converted once per distinct value (a date repeated down a sheet).
_REMEMBERED = (datetime.date, datetime.datetime, datetime.time, Decimal)
_MAX_REMEMBERED = 10_000


class _Column:
    """How the values of one column are made ready for the database."""

    def __init__(self, field: Field, connection: Any):
        self.field = field
        self.connection = connection
        internal = field.get_internal_type()
        if internal in ("ForeignKey", "OneToOneField"):
            internal = field.target_field.get_internal_type()  # type: ignore[attr-defined]
        self.as_they_are = _AS_THEY_ARE.get(internal, ())
        self.converted: dict[tuple[type, Any], Any] = {}

    def prepare(self, value: Any) -> Any:
        if value is None or type(value) in self.as_they_are:
            return value
        if not isinstance(value, _REMEMBERED):
            return self.field.get_db_prep_save(value, connection=self.connection)
        key = (type(value), value)
        found = self.converted.get(key, self)
        if found is self:
            found = self.field.get_db_prep_save(value, connection=self.connection)
            if len(self.converted) < _MAX_REMEMBERED:
                self.converted[key] = found
        return found


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return field


def _unnests(connection: Any, fields: list[Field]) -> bool:
    """Whether the rows go to the database as one array per column (PostgreSQL), which
    works for the columns of its own types (those bulk_create sends so)."""
    return (
        connection.vendor == "postgresql"
        and bool(fields)
        and all(
            (field.target_field if field.is_relation else field).get_internal_type()  # type: ignore[attr-defined]
            in connection.data_types
            for field in fields
        )
    )


def _db_type(field: Field, connection: Any) -> str:
    """A column's type without its size: varchar, not varchar(300), as bulk_create casts."""
    return str(field.db_type(connection)).split("(")[0]


def _copy_rows(connection: Any, sql: str, columns: list[_Column], rows, constants) -> None:
    """PostgreSQL: the rows through one COPY, each value sent as text in its own field.
    Arrays of values (UNNEST) went through psycopg's client-side quoting: for 47,000 JSON
    explanations it escaped 70 MB into one literal, which took longer than the insert."""
    kinds = [column.as_they_are for column in columns]
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    # The COPY bypasses the cursor wrapper: its errors are made Django's here.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in itertools.chain([first], rows):
                copy.write_row(
                    [
                        *(
                            value if value is None or type(value) in kind else column.prepare(value)
                            for column, kind, value in zip(columns, kinds, row, strict=True)
                        ),
                        *constants,
                    ]
                )


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
    batch_size: int = 1000,
    using: str = DEFAULT_DB_ALIAS,
) -> list[tuple]:
    """Insert one row per tuple of values of ``fields`` (names or attnames, a foreign key by
    its id) and return the ``returning`` fields of each row inserted (none by default).

    Every other concrete field but an automatic primary key takes its default, as a new
    instance would be saved with it, computed once for all the rows: a unique field must
    be given. Rows go in statements of ``batch_size`` rows at most (fewer where the
    database limits the parameters of a query); on PostgreSQL, without ``returning``, all
    of them through one COPY.
    """
    connection = connections[using]
    opts = model._meta
    given = [_field(model, name) for name in fields]
    blank = model()
    others = [
        field
        for field in opts.concrete_fields
        if field not in given
        and not field.generated
        and not (field.primary_key and field.db_returning)
    ]
    shared = [field.name for field in others if field.unique]
    if shared:
        raise ValueError(f"Give the values of {', '.join(shared)}: one default would be shared.")
    constants = [
        field.get_db_prep_save(field.pre_save(blank, add=True), connection=connection)
        for field in others
    ]
    columns = [_Column(field, connection) for field in given]
    quoted = []
    for field in [*given, *others]:
        assert field.column is not None  # a concrete field has a column
        quoted.append(connection.ops.quote_name(field.column))
    returned = [_field(model, name) for name in returning]
    suffix, suffix_params = connection.ops.returning_columns(returned)
    if returned and not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError("insert_rows returns values only where bulk inserts do.")
    # Quoted names of the model's own table and columns and their types; every value is a
    # parameter.
    table = connection.ops.quote_name(opts.db_table)
    if connection.vendor == "postgresql" and not returned:
        _copy_rows(
            connection, f"COPY {table} ({', '.join(quoted)}) FROM STDIN", columns, rows, constants
        )
        return []
    head = f"INSERT INTO {table} ({', '.join(quoted)}) "
    if _unnests(connection, given):
        # One array per column, as bulk_create does on PostgreSQL (InsertUnnest): a short
        # statement, where 27,000 placeholders took psycopg longer to parse than to run.
        arrays = ", ".join(f"(%s)::{_db_type(field, connection)}[]" for field in given)
        fixed = "".join(f", (%s)::{_db_type(field, connection)}" for field in others)
        unnest_sql = f"{head}SELECT *{fixed} FROM UNNEST({arrays}) {suffix}"  # noqa: S608
        per_statement = batch_size

        def statement(batch: list[list[Any]]) -> tuple[str, list[Any]]:
            arrays = [list(values) for values in zip(*batch, strict=True)]
            return unnest_sql, [*constants, *arrays, *suffix_params]  # in the order written

    elif not returned:
        # One prepared statement of one row, run for each row of the batch (executemany):
        # SQLite parses it once, where a statement of thousands of rows took three times
        # longer to parse and bind than to run.
        per_statement = batch_size
        placeholders = "(" + ", ".join(["%s"] * (len(given) + len(others))) + ")"
        one_row_sql = f"{head}VALUES {placeholders}"

        def statement(batch: list[list[Any]]) -> tuple[str, list[Any]]:
            return one_row_sql, [[*row, *constants] for row in batch]

    else:
        limit = connection.ops.bulk_batch_size([*given, *others], [None] * batch_size)
        per_statement = max(1, min(batch_size, limit))
        placeholders = "(" + ", ".join(["%s"] * (len(given) + len(others))) + ")"

        def statement(batch: list[list[Any]]) -> tuple[str, list[Any]]:
            values = ", ".join([placeholders] * len(batch))
            params = [value for row in batch for value in (*row, *constants)]
            return f"{head}VALUES {values} {suffix}", [*params, *suffix_params]

    found: list[tuple] = []
    many = not returned and not _unnests(connection, given)

    def flush(batch: list[list[Any]]) -> None:
        with connection.cursor() as cursor:
            if many:
                cursor.executemany(*statement(batch))
                return
            cursor.execute(*statement(batch))
            if returned:
                found.extend(
                    tuple(row) for row in connection.ops.fetch_returned_rows(cursor, suffix_params)
                )

    kinds = [column.as_they_are for column in columns]
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(
            [
                value if value is None or type(value) in kind else column.prepare(value)
                for column, kind, value in zip(columns, kinds, row, strict=True)
            ]
        )
        if len(batch) == per_statement:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return found
