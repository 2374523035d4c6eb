"""Benchmark the risk register XLSX writer against pandas/openpyxl and a bare xlsxwriter floor.

Run: ``.venv/bin/python bench/bench_register_writer.py [--rows 10000]``. Prints one JSON object.

Synthetic, seeded data: ``rows`` register rows and 4x as many findings and corrective actions,
with some Chinese and formula-like supplier names. Each measured writer runs in a fresh
``spawn`` process that builds the same tables (not timed), times only the write to a temporary
file, and reports its own peak RSS (``ru_maxrss``), so one writer's memory never inflates another.

- ours: ``write_xlsx`` (full formatted workbook, five sheets, charts);
- pandas_openpyxl: ``DataFrame.to_excel(engine="openpyxl")``, one sheet per table (what a team
  writes first);
- floor: bare xlsxwriter ``constant_memory``, the same cells with typed writes and no formatting.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# Run as a script from anywhere: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from register.columns import ACTION_COLUMNS, FINDING_COLUMNS, REGISTER_COLUMNS
from register.tables import RegisterTables, build_tables, column_values
from register.writers import write_xlsx

SEED = 20250304
METHOD = {
    "ruleset": "sme-csr-core-rules@1",
    "categories": {
        "management": 15,
        "employee": 30,
        "environment": 25,
        "market": 20,
        "community": 10,
    },
    "rating_bands": [
        {"min": 80, "rating": "low"},
        {"min": 60, "rating": "medium"},
        {"min": 40, "rating": "high"},
        {"min": 0, "rating": "critical"},
    ],
    "severity_floor": {"critical": "high", "major": "medium"},
    "sla_days": {"critical": 30, "major": 90, "minor": 180},
}
_LATIN = ["Acme", "Golden", "Pacific", "Harbor", "Lotus", "Summit", "River", "Blue Sky", "Nova"]
_TRADE = ["Textiles", "Electronics", "Packaging", "Plastics", "Foods", "Metalworks", "Toys"]
_CN_PLACE = ["深圳市", "东莞市", "宁波市", "苏州市", "佛山市", "温州市"]
_CN_WORD = ["绿叶", "华强", "恒达", "金源", "东方", "明辉", "宏图"]
_CN_TRADE = ["电子有限公司", "纺织有限公司", "包装材料有限公司", "塑胶制品有限公司"]
_FINDING_TITLES = [
    "Working hours exceed the legal limit",
    "No written environmental policy",
    "Fire exits blocked in warehouse",
    "未建立童工预防程序",
    "Wastewater discharge permit expired",
    "-missing grievance channel",
]


def synthetic_frames(rows: int, seed: int = SEED) -> tuple[pd.DataFrame, ...]:
    """Register, findings and actions frames in the shape the database side will produce."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, rows + 1)
    names = []
    for i in ids:
        pick = rng.random()
        if pick < 0.2:
            names.append(f"{rng.choice(_CN_PLACE)}{rng.choice(_CN_WORD)}{rng.choice(_CN_TRADE)}")
        elif pick < 0.21:
            names.append(f'=HYPERLINK("http://x/{i}","y")' if i % 2 else f"+{i}-2")
        else:
            names.append(f"{rng.choice(_LATIN)} {rng.choice(_TRADE)} {i} Co., Ltd.")
    assessed = rng.random(rows) < 0.85
    scores = {
        cat: np.where(assessed, np.round(rng.uniform(20, 100, rows), 1), np.nan)
        for cat in ("management", "employee", "environment", "market", "community")
    }
    overall = np.where(assessed, np.round(rng.uniform(25, 98, rows), 1), np.nan)
    rating = np.select(
        [~assessed, overall >= 80, overall >= 60, overall >= 40],
        ["not_rated", "low", "medium", "high"],
        "critical",
    )
    base = np.datetime64("2024-01-01")
    accepted = base + rng.integers(0, 600, rows).astype("timedelta64[D]")
    register = pd.DataFrame(
        {
            "supplier_id": ids,
            "buyer_ref": [f"SUP-{i:06d}" for i in ids],
            "supplier_name": names,
            "legal_id": [f"91{rng.integers(10**15, 10**16)}" for _ in ids],
            "country": rng.choice(["CN", "VN", "BD", "IN", "TR", "MX", "DE"], rows),
            "industry": rng.choice(["C13", "C14", "C22", "C26", "C32", "A01"], rows),
            "size_class": rng.choice(["micro", "small", "medium", "large"], rows),
            "criticality": rng.choice(["low", "medium", "high"], rows),
            "category": rng.choice(["apparel", "electronics", "packaging", "food"], rows),
            "inherent_risk": rng.choice(["low", "medium", "high"], rows),
            "last_audit_accepted_at": np.where(assessed, accepted, np.datetime64("NaT")),
            "questionnaire": np.where(assessed, "sme-csr-core@1", None),
            "ruleset": np.where(assessed, "sme-csr-core-rules@1", None),
            "overall_score": overall,
            **{f"score_{cat}": values for cat, values in scores.items()},
            "rating": rating,
            "priority": rng.choice(["P1", "P2", "P3", "P4"], rows),
            "open_findings_critical": rng.integers(0, 2, rows),
            "open_findings_major": rng.integers(0, 4, rows),
            "open_findings_minor": rng.integers(0, 6, rows),
            "open_findings_observation": rng.integers(0, 3, rows),
            "open_actions": rng.integers(0, 8, rows),
            "overdue_actions": rng.integers(0, 3, rows),
            "overdue_critical": rng.random(rows) < 0.05,
            "next_due_date": base + rng.integers(300, 900, rows).astype("timedelta64[D]"),
            "score_delta": np.where(
                rng.random(rows) < 0.6, np.round(rng.normal(0, 8, rows), 1), np.nan
            ),
        }
    )
    n = rows * 4
    owner_of = rng.integers(0, rows, n)
    severity = rng.choice(["critical", "major", "minor", "observation"], n, p=[0.1, 0.3, 0.4, 0.2])
    codes = rng.choice(["F_EMP_HOURS", "F_ENV_PERMIT", "F_HS_FIRE", "F_MKT_BRIBERY"], n)
    due = base + rng.integers(0, 900, n).astype("timedelta64[D]")
    name_arr = np.array(names, dtype=object)
    findings = pd.DataFrame(
        {
            "supplier_id": ids[owner_of],
            "supplier_name": name_arr[owner_of],
            "audit_id": owner_of * 3 + 1000,
            "accepted_at": accepted[owner_of],
            "rule_code": codes,
            "severity": severity,
            "category": rng.choice(["management", "employee", "environment", "market"], n),
            "title": rng.choice(np.array(_FINDING_TITLES, dtype=object), n),
            "action_status": rng.choice(["open", "plan_submitted", "verified"], n),
            "due_date": due,
        }
    )
    overdue = rng.random(n) < 0.15
    updated = pd.Timestamp("2025-01-01", tz=UTC) + pd.to_timedelta(
        rng.integers(0, 86400 * 300, n), unit="s"
    )
    actions = pd.DataFrame(
        {
            "supplier_id": ids[owner_of],
            "supplier_name": name_arr[owner_of],
            "audit_id": owner_of * 3 + 1000,
            "finding_code": codes,
            "severity": severity,
            "status": rng.choice(["open", "plan_submitted", "evidence_submitted"], n),
            "due_date": due,
            "overdue": overdue,
            "days_overdue": np.where(overdue, rng.integers(1, 120, n), 0),
            "owner": rng.choice(["Li Wei", "王芳", "Maria Gomez", "@ops-team", "Ahmed Khan"], n),
            "updated_at": updated,
        }
    )
    return register, findings, actions


def _ours(tables: RegisterTables, path: str) -> None:
    write_xlsx(
        tables,
        path,
        title="Risk register",
        buyer_name="Contoso Retail",
        generated_at=datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
        progress=lambda _percent: None,
    )


def _pandas_openpyxl(tables: RegisterTables, path: str) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, frame, columns in _sheets(tables):
            frame[[c.key for c in columns]].to_excel(writer, sheet_name=sheet, index=False)


def _floor(tables: RegisterTables, path: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    epoch, day = pd.Timestamp("1899-12-30"), pd.Timedelta(days=1)
    for sheet, frame, columns in _sheets(tables):
        ws = wb.add_worksheet(sheet)
        plans = []
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.key)
            series = frame[col.key]
            if col.kind in ("date", "datetime"):
                plans.append((c, ws.write_number, column_values((series - epoch) / day)))
            elif col.kind == "bool":
                plans.append((c, ws.write_boolean, column_values(series)))
            elif col.kind in ("int", "score", "delta"):
                plans.append((c, ws.write_number, column_values(series)))
            else:
                plans.append((c, ws.write_string, column_values(series)))
        for r in range(len(frame)):
            for c, write, values in plans:
                v = values[r]
                if v is not None:
                    write(r + 1, c, v)
    wb.close()


def _sheets(tables: RegisterTables) -> list[tuple[str, pd.DataFrame, Any]]:
    return [
        ("Register", tables.register, REGISTER_COLUMNS),
        ("Findings", tables.findings, FINDING_COLUMNS),
        ("Corrective actions", tables.actions, ACTION_COLUMNS),
    ]


_WRITERS = {"ours": _ours, "pandas_openpyxl": _pandas_openpyxl, "floor": _floor}


def _child(name: str, rows: int, queue: Any) -> None:
    register, findings, actions = synthetic_frames(rows)
    built = time.perf_counter()
    tables = build_tables(register, findings, actions, METHOD, filters={})
    build_s = time.perf_counter() - built
    del register, findings, actions
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{name}.xlsx")
        start = time.perf_counter()
        _WRITERS[name](tables, path)
        seconds = time.perf_counter() - start
        size = os.path.getsize(path)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux: kilobytes
    queue.put(
        {
            "seconds": seconds,
            "peak_rss_mb": peak_kb / 1024,
            "bytes": size,
            "build_s": build_s,
            "cells": sum(len(f) * len(c) for _, f, c in _sheets(tables)),
        }
    )


def _measure(name: str, rows: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, rows, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    ours = _measure("ours", args.rows)
    pandas_openpyxl = _measure("pandas_openpyxl", args.rows)
    floor = _measure("floor", args.rows)
    print(
        json.dumps(
            {
                "rows": args.rows,
                "findings": args.rows * 4,
                "actions": args.rows * 4,
                "cells": ours["cells"],
                "ours_s": round(ours["seconds"], 2),
                "ours_peak_rss_mb": round(ours["peak_rss_mb"], 1),
                "build_tables_s": round(ours["build_s"], 2),
                "pandas_openpyxl_s": round(pandas_openpyxl["seconds"], 2),
                "pandas_openpyxl_peak_rss_mb": round(pandas_openpyxl["peak_rss_mb"], 1),
                "floor_s": round(floor["seconds"], 2),
                "floor_peak_rss_mb": round(floor["peak_rss_mb"], 1),
                "ratio_to_pandas_openpyxl": round(ours["seconds"] / pandas_openpyxl["seconds"], 3),
                "ratio_to_floor": round(ours["seconds"] / floor["seconds"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
