"""Assemble, normalise and filter the risk register tables with pandas (no Django).

``build_tables`` is the single entry point: the database side hands over three DataFrames whose
columns are the keys of ``columns.REGISTER_COLUMNS`` / ``FINDING_COLUMNS`` / ``ACTION_COLUMNS``
(plus ``supplier_id`` in each) and the rule set ``method`` mapping; the writers only ever see the
normalised, filtered ``RegisterTables`` it returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .columns import (
    ACTION_COLUMNS,
    CATEGORIES,
    FINDING_COLUMNS,
    HIDDEN_KEYS,
    HISTORY_COLUMNS,
    INHERENT_LEVELS,
    JOIN_KEY,
    PRIORITIES,
    RATINGS,
    REGISTER_COLUMNS,
    SEVERITIES,
    Column,
)

# What reads a detail table (findings, actions, history) as it is in the database, called with
# ``size``: one frame of every row (None), or frames of about that many rows, in order.
DetailReader = Callable[..., Iterator[pd.DataFrame]]

FILTER_KEYS: tuple[str, ...] = ("rating", "priority", "country", "category", "criticality")


@dataclass(frozen=True)
class RegisterTables:
    """The normalised, filtered content of one register export.

    ``register``, ``findings`` and ``actions`` hold exactly ``supplier_id``, the ``HIDDEN_KEYS``
    the caller gave (``relationship_id``: links only, never written as a column), then the keys
    of their column definitions, in that order, with one dtype per kind: text-like kinds are object
    columns of ``str`` or ``None``; ``int`` is ``Int64``; ``bool`` is ``boolean``; ``score`` and
    ``delta`` are ``float64``; ``date`` and ``datetime`` are naive ``datetime64``. ``method_rows``
    are ``(section key, item, value)`` triples for the Method sheet; ``summary`` holds the headline
    figures (see ``build_tables``).
    """

    register: pd.DataFrame
    findings: pd.DataFrame
    actions: pd.DataFrame
    method: Mapping[str, Any]
    method_rows: tuple[tuple[str, str, Any], ...]
    summary: Mapping[str, Any] = field(default_factory=dict)
    history: pd.DataFrame = field(
        default_factory=lambda: _normalise(pd.DataFrame(), HISTORY_COLUMNS, "history")
    )
    # Detail tables read only when asked for (``build_tables(loaders=...)``).
    loaders: Mapping[str, DetailReader] = field(default_factory=dict)

    def detail(self, key: str) -> pd.DataFrame:
        """The ``findings``, ``actions`` or ``history`` table: its frame, or, when it has a
        loader, read now (normalised and filtered as ``build_tables`` does) and not kept."""
        return next(self.detail_frames(key, size=None))

    def detail_frames(self, key: str, *, size: int | None) -> Iterator[pd.DataFrame]:
        """The ``findings``, ``actions`` or ``history`` table as frames, in order: its frame,
        or, when it has a loader, read now in frames of about ``size`` rows (whole when None),
        each normalised and filtered as ``build_tables`` does, so a writer holds one frame of
        one table at a time."""
        read = self.loaders.get(key)
        if read is None:
            yield getattr(self, key)
        else:
            yield from read(size=size)

    def read_whole(self) -> RegisterTables:
        """These tables with every detail table read (for a writer that needs them all)."""
        if not self.loaders:
            return self
        read = {key: self.detail(key) for key in self.loaders}
        return replace(
            self,
            loaders={},
            findings=read.get("findings", self.findings),
            actions=read.get("actions", self.actions),
            history=read.get("history", self.history),
        )


def build_tables(
    register: pd.DataFrame,
    findings: pd.DataFrame,
    actions: pd.DataFrame,
    method: Mapping[str, Any],
    *,
    filters: Mapping[str, Any],
    history: pd.DataFrame | None = None,
    loaders: Mapping[str, DetailReader] | None = None,
) -> RegisterTables:
    """Normalise, filter and summarise the register.

    Contract:
    - Each frame must contain ``supplier_id`` and every key of its column definitions; a frame
      with no rows may omit columns (they are added empty). Extra columns are dropped. Missing
      columns in a non-empty frame raise ``ValueError`` naming them, so a typo on the database
      side fails loudly instead of exporting an empty column.
    - Values are coerced per kind (see ``RegisterTables``). A missing ``rating`` becomes
      ``"not_rated"``. Time-zone-aware datetimes keep their wall-clock time in their own zone
      (convert to the buyer's zone before calling); mixed offsets are converted to UTC.
    - ``filters`` keys are ``rating``, ``priority``, ``country``, ``category``, ``criticality``;
      each value is a list of allowed values (a single string is taken as a one-element list).
      ``None`` or an empty list means "no filter". Unknown keys raise ``ValueError``.
    - Findings, actions and ``history`` (the History sheet's rows, optional) are kept only for
      suppliers left in the filtered register, in the caller's order. ``loaders`` (``findings``,
      ``actions``, ``history``: what reads that table, called with ``size``, see
      ``DetailReader``) replace the frames given for those tables: each is read, normalised and
      filtered when a writer asks for it (``RegisterTables.detail`` / ``detail_frames``); the
      summary then needs the register's hidden ``overdue_critical_actions`` count. The
      register is sorted by priority (P1 first, missing last) then supplier name.
    - ``summary``: ``suppliers``, ``assessed_suppliers`` (with an accepted audit date),
      ``open_findings_<severity>``, ``open_actions``, ``overdue_actions`` (sums over the register),
      ``overdue_critical_actions`` (overdue actions of critical severity), ``by_rating`` and
      ``by_priority`` (counts, every level present), ``average_scores`` (``overall`` and each
      category; ``None`` when nothing is scored), ``heat_map`` (inherent risk -> rating ->
      number of suppliers, every level present).
    """
    reg = _filtered_register(register, filters)
    suppliers = reg[JOIN_KEY]
    fnd = _kept(findings, FINDING_COLUMNS, "findings", suppliers)
    act = _kept(actions, ACTION_COLUMNS, "actions", suppliers)
    hist = _kept(
        pd.DataFrame() if history is None else history, HISTORY_COLUMNS, "history", suppliers
    )
    return RegisterTables(
        register=reg,
        findings=fnd,
        actions=act,
        method=dict(method),
        method_rows=tuple(method_rows(method)),
        summary=_summary(reg, act),
        history=hist,
        loaders=_later(loaders or {}, suppliers),
    )


def _later(loaders: Mapping[str, DetailReader], suppliers: pd.Series) -> dict:
    """The detail tables read when a writer asks for them (``build_tables``' ``loaders``)."""
    return {
        key: _loader(read, columns, key, suppliers)
        for key, columns in (
            ("findings", FINDING_COLUMNS),
            ("actions", ACTION_COLUMNS),
            ("history", HISTORY_COLUMNS),
        )
        if (read := loaders.get(key)) is not None
    }


def _kept(
    frame: pd.DataFrame, columns: Sequence[Column], name: str, suppliers: pd.Series
) -> pd.DataFrame:
    """A detail table normalised, with the rows of the suppliers in the register only."""
    out = _normalise(frame, columns, name)
    return out.loc[out[JOIN_KEY].isin(suppliers)].reset_index(drop=True)


def _loader(
    read: DetailReader, columns: Sequence[Column], name: str, suppliers: pd.Series
) -> DetailReader:
    def frames(*, size: int | None = None) -> Iterator[pd.DataFrame]:
        for frame in read(size=size):
            yield _kept(frame, columns, name, suppliers)

    return frames


def _filtered_register(register: pd.DataFrame, filters: Mapping[str, Any]) -> pd.DataFrame:
    """The normalised register (a missing rating is ``not_rated``), filtered, sorted by
    priority (missing last) then supplier name."""
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"unknown register filter(s): {', '.join(sorted(unknown))}")
    reg = _normalise(register, REGISTER_COLUMNS, "register")
    reg["rating"] = reg["rating"].where(reg["rating"].notna(), "not_rated")
    keep = np.ones(len(reg), dtype=bool)
    for key in FILTER_KEYS:
        allowed = _allowed(filters.get(key))
        if allowed:
            keep &= reg[key].isin(allowed).to_numpy()
    return (
        reg.loc[keep]
        .sort_values(["priority", "supplier_name"], na_position="last", kind="stable")
        .reset_index(drop=True)
    )


def _allowed(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _normalise(frame: pd.DataFrame, columns: Sequence[Column], name: str) -> pd.DataFrame:
    keys = [JOIN_KEY, *(c.key for c in columns)]
    missing = [k for k in keys if k not in frame.columns]
    if missing and len(frame):
        raise ValueError(f"{name} frame lacks column(s): {', '.join(missing)}")
    out: dict[str, pd.Series] = {}
    index = pd.RangeIndex(len(frame))
    out[JOIN_KEY] = (
        pd.Series(frame[JOIN_KEY].to_numpy(), index=index)
        if JOIN_KEY in frame.columns
        else pd.Series([], dtype=object, index=index)
    )
    for key in HIDDEN_KEYS:
        if key in frame.columns:
            out[key] = pd.Series(frame[key].to_numpy(), index=index)
    for col in columns:
        src = (
            pd.Series(frame[col.key].to_numpy(), index=index)
            if col.key in frame.columns
            else pd.Series([None] * len(frame), dtype=object, index=index)
        )
        out[col.key] = _coerce(src, col)
    return pd.DataFrame(out, index=index)


def _coerce(s: pd.Series, col: Column) -> pd.Series:
    kind = col.kind
    if kind in ("score", "delta"):
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if kind == "int":
        return pd.to_numeric(s, errors="coerce").round().astype("Int64")
    if kind == "bool":
        # The database hands over Python bools or None; anything else is a caller bug.
        return s.astype("boolean")
    if kind in ("date", "datetime"):
        return _to_naive_datetime(s, date_only=kind == "date")
    # Text-like kinds: object of str / None. Non-strings (int ids, enums) are stringified once
    # here so the writers never have to type-check per cell.
    # pandas-stubs accept no None as na_value; pandas documents and supports it.
    values = s.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
    values = [v if v is None or type(v) is str else _text(v) for v in values]
    if kind in ("rating", "severity"):
        values = [v.lower() if v is not None else None for v in values]
    return pd.Series(values, dtype=object, index=s.index)


def _text(value: Any) -> str | None:
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def _to_naive_datetime(s: pd.Series, *, date_only: bool) -> pd.Series:
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        try:
            parsed = pd.to_datetime(s, errors="coerce")
        except (ValueError, TypeError):
            # Mixed UTC offsets cannot share one dtype: fall back to UTC.
            parsed = pd.to_datetime(s, errors="coerce", utc=True)
    else:
        parsed = pd.to_datetime(s, errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    if date_only:
        parsed = parsed.dt.normalize()
    return parsed


def method_rows(method: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """Flatten the rule set ``method`` mapping into ``(section, item, value)`` rows.

    Accepted keys: ``ruleset`` (``"code@version"``) or ``code`` + ``version``; ``categories``
    (category -> weight); ``rating_bands`` (list of ``{min, rating}``) or ``rating.bands``;
    ``severity_floor`` or ``rating.severity_floor`` (severity -> rating); ``sla_days``
    (severity -> days); ``priority_formula`` (text; the DESIGN formula when absent, rendered in
    the workbook language by the writer).
    """
    rows: list[tuple[str, str, Any]] = []
    ruleset = method.get("ruleset")
    if ruleset is None and method.get("code") is not None:
        ruleset = f"{method['code']}@{method.get('version', '')}"
    if ruleset is not None:
        rows.append(("ruleset", "", str(ruleset)))
    for cat, weight in (method.get("categories") or {}).items():
        rows.append(("categories", str(cat), weight))
    rating = method.get("rating") or {}
    for band in method.get("rating_bands") or rating.get("bands") or ():
        rows.append(("rating_bands", str(band.get("rating", "")), band.get("min")))
    floors = method.get("severity_floor") or rating.get("severity_floor") or {}
    for sev, floor in floors.items():
        rows.append(("severity_floor", str(sev), str(floor)))
    for sev, days in (method.get("sla_days") or {}).items():
        rows.append(("sla_days", str(sev), days))
    # None marks "use the built-in bilingual text"; the writer picks the language.
    rows.append(("priority_formula", "", method.get("priority_formula")))
    return rows


def _summary(reg: pd.DataFrame, act: pd.DataFrame) -> dict[str, Any]:
    def total(key: str) -> int:
        return int(reg[key].sum(skipna=True)) if len(reg) else 0

    rating_counts = reg["rating"].value_counts()
    priority_counts = reg["priority"].value_counts()
    averages: dict[str, float | None] = {}
    for key in ("overall", *CATEGORIES):
        mean = reg["overall_score" if key == "overall" else f"score_{key}"].mean(skipna=True)
        averages[key] = None if pd.isna(mean) else round(float(mean), 1)
    if "overdue_critical_actions" in reg.columns:
        overdue_critical = reg["overdue_critical_actions"].fillna(0).to_numpy(dtype="int64")
    else:
        overdue_critical = act["overdue"].fillna(False).to_numpy(dtype=bool) & (
            act["severity"] == "critical"
        ).to_numpy(dtype=bool)
    summary: dict[str, Any] = {
        "suppliers": len(reg),
        "assessed_suppliers": int(reg["last_audit_accepted_at"].notna().sum()),
        **{f"open_findings_{sev}": total(f"open_findings_{sev}") for sev in SEVERITIES},
        "open_actions": total("open_actions"),
        "overdue_actions": total("overdue_actions"),
        "overdue_critical_actions": int(overdue_critical.sum()),
        "by_rating": {r: int(rating_counts.get(r, 0)) for r in RATINGS},
        "by_priority": {p: int(priority_counts.get(p, 0)) for p in PRIORITIES},
        "average_scores": averages,
        "heat_map": _heat_map(reg),
    }
    return summary


def _heat_map(reg: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Suppliers by inherent risk and rating (every level present, zeros included)."""
    counts = reg.groupby(["inherent_risk", "rating"]).size() if len(reg) else pd.Series()
    return {
        level: {r: int(counts.get((level, r), 0)) for r in RATINGS} for level in INHERENT_LEVELS
    }


def column_values(series: pd.Series) -> list[Any]:
    """Python values of a normalised column, ``None`` for missing (no numpy scalars)."""
    # pandas-stubs accept no None as na_value; pandas documents and supports it.
    return series.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
