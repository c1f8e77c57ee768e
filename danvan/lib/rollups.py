"""Counts kept by database triggers: a roll-up table per grouping of a source table.

A roll-up names its source table, the columns its counts depend on, and one or more target
tables, each with its key columns and its counts as SQL expressions of a source row (`NEW`
or `OLD`). Triggers, on SQLite and on PostgreSQL, add a row's counts when it is inserted,
take them away when it is deleted, and do both when a watched column changes, in the same
transaction as the write: whatever writes the source (a service, a bulk load, an UPDATE of
many rows), the counts stay right. `rebuild_sql` recounts a target from the source.

Only constants of the code and settings go into these statements, never user input.
"""

# ruff: noqa: S608  (statements built from the code's constants only, see above)

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# An SQL expression of a source row: (vendor, row alias) → SQL.
Expression = Callable[[str, str], str]


def column(name: str) -> Expression:
    return lambda vendor, row: f"{row}.{name}"


def flag(condition: str) -> Expression:
    """1 when `condition` (with {row} for the row) holds, else 0."""
    return lambda vendor, row: f"CASE WHEN {condition.format(row=row)} THEN 1 ELSE 0 END"


@dataclass(frozen=True)
class Target:
    table: str
    keys: dict[str, Expression]  # the target's unique key
    counts: dict[str, Expression]  # summed; "1" counts the rows


@dataclass(frozen=True)
class Rollup:
    name: str  # names the triggers
    source: str
    watched: tuple[str, ...]
    targets: tuple[Target, ...]

    def _upsert(self, vendor: str, target: Target, row: str, sign: str) -> str:
        names = [*target.keys, *target.counts]
        values = [expr(vendor, row) for expr in target.keys.values()] + [
            f"{sign}({expr(vendor, row)})" for expr in target.counts.values()
        ]
        update = ", ".join(
            f"{name} = {target.table}.{name} + excluded.{name}" for name in target.counts
        )
        return (
            f"INSERT INTO {target.table} ({', '.join(names)}) VALUES ({', '.join(values)}) "
            f"ON CONFLICT ({', '.join(target.keys)}) DO UPDATE SET {update};"
        )

    def install_sql(self, vendor: str) -> list[str]:
        add = " ".join(self._upsert(vendor, t, "NEW", "+") for t in self.targets)
        remove = " ".join(self._upsert(vendor, t, "OLD", "-") for t in self.targets)
        watched = ", ".join(self.watched)
        if vendor == "postgresql":
            same = " AND ".join(f"OLD.{c} IS NOT DISTINCT FROM NEW.{c}" for c in self.watched)
            body = (
                f"BEGIN IF TG_OP = 'UPDATE' AND {same} THEN RETURN NULL; END IF; "
                f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove} END IF; "
                f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {add} END IF; RETURN NULL; END;"
            )
            return [
                f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $body${body}$body$;",
                f"CREATE TRIGGER {self.name} AFTER INSERT OR DELETE OR UPDATE OF {watched} "
                f"ON {self.source} FOR EACH ROW EXECUTE FUNCTION {self.name}();",
            ]
        if vendor == "sqlite":
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in self.watched)
            return [
                f"CREATE TRIGGER {self.name}_insert AFTER INSERT ON {self.source} BEGIN {add} END;",
                f"CREATE TRIGGER {self.name}_delete AFTER DELETE ON {self.source} "
                f"BEGIN {remove} END;",
                f"CREATE TRIGGER {self.name}_update AFTER UPDATE OF {watched} ON {self.source} "
                f"WHEN {changed} BEGIN {remove} {add} END;",
            ]
        raise NotImplementedError(f"No roll-up triggers for {vendor}.")

    def uninstall_sql(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [
                f"DROP TRIGGER IF EXISTS {self.name} ON {self.source};",
                f"DROP FUNCTION IF EXISTS {self.name}();",
            ]
        return [
            f"DROP TRIGGER IF EXISTS {self.name}_{event};"
            for event in ("insert", "delete", "update")
        ]

    def rebuild_sql(self, vendor: str) -> list[str]:
        statements = []
        for target in self.targets:
            keys = [expr(vendor, "s") for expr in target.keys.values()]
            sums = [f"SUM({expr(vendor, 's')})" for expr in target.counts.values()]
            names = ", ".join([*target.keys, *target.counts])
            statements += [
                f"DELETE FROM {target.table};",
                f"INSERT INTO {target.table} ({names}) "
                f"SELECT {', '.join(keys + sums)} FROM {self.source} s GROUP BY {', '.join(keys)};",
            ]
        return statements


def run(statements: Iterable[str], connection) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def installer(rollup: Rollup):
    """RunPython operations (forwards, backwards) creating the triggers and counting the
    rows already there."""

    def install(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        run(rollup.install_sql(vendor) + rollup.rebuild_sql(vendor), schema_editor.connection)

    def uninstall(apps, schema_editor):
        run(rollup.uninstall_sql(schema_editor.connection.vendor), schema_editor.connection)

    return install, uninstall
