"""Tallies: how many rows of a table each (buyer, supplier) pair has in each state, kept by the
database itself, so that a dashboard reads a few rows instead of counting a whole programme.

A tally row is keyed by ``buyer_id, status, due_date, supplier_id`` and holds ``n``, the number
of counted rows with that key. ``due_date`` is the row's own for the states in which it can be
overdue ("dated" states) and ``9999-12-31`` for the others, so that overdue counts are sums of
the few rows of open work, while closed history costs one row per supplier and state.

Triggers keep the counts on every insert, delete and change of a counted column, whatever the
path: the ORM's ``save``, ``bulk_create`` and ``update``, a cascade, a plain SQL statement or a
``COPY``. The per-supplier key means that campaign chunks issuing to different suppliers in
parallel never wait for each other's tally rows. Rows that fall to zero are deleted.

``Tally.install`` / ``Tally.uninstall`` are meant for ``migrations.RunPython`` in the migration
that creates the tally model (PostgreSQL and SQLite)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, Sum

NOT_DATED = "9999-12-31"
KEY = ("buyer_id", "status", "due_date", "supplier_id")


class TallyQuerySet(models.QuerySet):
    def by_status(self, buyer_id: int, today: datetime.date) -> tuple[dict[str, int], dict]:
        """The buyer's counted rows per state, and per state those past their due date (for
        the dated states; 0 for the others): one pass over the buyer's tally rows."""
        rows = (
            self.filter(buyer_id=buyer_id)
            .values("status")
            .annotate(total=Sum("n"), late=Sum("n", filter=Q(due_date__lt=today)))
            .values_list("status", "total", "late")
        )
        totals, late = {}, {}
        for status, total, past in rows:
            totals[status] = total
            late[status] = past or 0
        return totals, late

    def count_for(
        self, buyer_ids: list[int], *, states: list[str] | None = None, supplier: int | None = None
    ) -> int:
        """How many counted rows ``buyer_ids`` have, in ``states`` and of ``supplier`` when
        given (``backend.api.filters.tallied_filters`` reads them from a list's query)."""
        rows = self.filter(buyer_id__in=buyer_ids)
        if states is not None:
            rows = rows.filter(status__in=states)
        if supplier is not None:
            rows = rows.filter(supplier_id=supplier)
        return rows.aggregate(total=Sum("n"))["total"] or 0

    def overdue(self, buyer_id: int, states, today: datetime.date) -> int:
        """The buyer's rows past their due date while in ``states`` (dated states)."""
        rows = self.filter(buyer_id=buyer_id, status__in=list(states), due_date__lt=today)
        return rows.aggregate(total=Sum("n"))["total"] or 0


class TallyModel(models.Model):
    """The columns of a tally table (see the module). The ids are plain integers, not foreign
    keys: the rows follow the counted table through its triggers, cascades included."""

    buyer_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    due_date = models.DateField()
    supplier_id = models.BigIntegerField()
    n = models.IntegerField()

    objects = TallyQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [models.UniqueConstraint(fields=KEY, name="%(app_label)s_%(class)s_key")]


@dataclass(frozen=True)
class Tally:
    """The triggers keeping ``tally_table`` for ``table``. The counted table has ``buyer_id``,
    ``supplier_id``, the state column ``state`` (tallied as ``status``) and, when
    ``dated_states`` are given, ``due_date``, kept for the rows in those states."""

    table: str
    tally_table: str
    dated_states: tuple[str, ...] = ()
    state: str = "status"

    def _due(self, row: str, vendor: str) -> str:
        # A typed literal on PostgreSQL; SQLite keeps dates as ISO text (and its CAST to DATE
        # would make a number of it).
        far = f"DATE '{NOT_DATED}'" if vendor == "postgresql" else f"'{NOT_DATED}'"
        if not self.dated_states:
            return far
        states = ", ".join(f"'{state}'" for state in self.dated_states)
        return f"CASE WHEN {row}.{self.state} IN ({states}) THEN {row}.due_date ELSE {far} END"

    def _match(self, row: str, vendor: str) -> str:
        return (
            f"buyer_id = {row}.buyer_id AND status = {row}.{self.state} "
            f"AND due_date = {self._due(row, vendor)} AND supplier_id = {row}.supplier_id"
        )

    def _remove(self, vendor: str) -> str:
        match = self._match("OLD", vendor)
        return (
            f"UPDATE {self.tally_table} SET n = n - 1 WHERE {match}; "
            f"DELETE FROM {self.tally_table} WHERE {match} AND n <= 0;"
        )

    def _add(self, vendor: str) -> str:
        return (
            f"INSERT INTO {self.tally_table} ({', '.join(KEY)}, n) VALUES "
            f"(NEW.buyer_id, NEW.{self.state}, {self._due('NEW', vendor)}, NEW.supplier_id, 1) "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = {self.tally_table}.n + 1;"
        )

    def _changed(self) -> str:
        columns = ["buyer_id", self.state, "supplier_id"]
        if self.dated_states:
            columns.append("due_date")
        return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)

    def _backfill(self, vendor: str) -> str:
        due = self._due(self.table, vendor)
        groups = ["buyer_id", self.state, "supplier_id"] + ([due] if self.dated_states else [])
        return (
            f"INSERT INTO {self.tally_table} ({', '.join(KEY)}, n) "
            f"SELECT buyer_id, {self.state}, {due}, supplier_id, COUNT(*) FROM {self.table} "
            f"GROUP BY {', '.join(groups)}"
        )

    def statements(self, vendor: str) -> list[str]:
        """The SQL creating the triggers (and counting the rows already there)."""
        name = f"{self.tally_table}_keep"
        if vendor == "postgresql":
            function = (
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP <> 'INSERT' THEN {self._remove(vendor)} END IF; "
                f"IF TG_OP <> 'DELETE' THEN {self._add(vendor)} END IF; "
                f"RETURN NULL; END $$"
            )
            return [
                function,
                f"CREATE TRIGGER {name}_rows AFTER INSERT OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()",
                f"CREATE TRIGGER {name}_change AFTER UPDATE ON {self.table} FOR EACH ROW "
                f"WHEN ({self._changed()}) EXECUTE FUNCTION {name}()",
                self._backfill(vendor),
            ]
        if vendor == "sqlite":
            changed = self._changed().replace("IS DISTINCT FROM", "IS NOT")
            return [
                f"CREATE TRIGGER {name}_insert AFTER INSERT ON {self.table} "
                f"BEGIN {self._add(vendor)} END",
                f"CREATE TRIGGER {name}_delete AFTER DELETE ON {self.table} "
                f"BEGIN {self._remove(vendor)} END",
                f"CREATE TRIGGER {name}_update AFTER UPDATE ON {self.table} "
                f"WHEN {changed} BEGIN {self._remove(vendor)} {self._add(vendor)} END",
                self._backfill(vendor),
            ]
        raise NotImplementedError(f"No tally triggers for the {vendor} database.")

    def drop_statements(self, vendor: str) -> list[str]:
        name = f"{self.tally_table}_keep"
        if vendor == "postgresql":
            return [f"DROP FUNCTION IF EXISTS {name}() CASCADE"]
        return [
            f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "delete", "update")
        ]

    def install(self, apps, schema_editor) -> None:
        for statement in self.statements(schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)

    def uninstall(self, apps, schema_editor) -> None:
        for statement in self.drop_statements(schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)
