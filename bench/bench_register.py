"""Benchmark the full risk register XLSX export (queries + tables + workbook) on a generated
database, against two reference writers of the same tables.

Run: ``.venv/bin/python bench/bench_register.py [--suppliers 10000] [--keep PATH]``. Prints one
JSON object.

1. Generator: a temporary SQLite database (``DATABASE_URL`` points to it before Django starts,
   then ``migrate``) with one buyer, ``suppliers`` suppliers and relationships, one accepted
   audit with a final score per supplier, and four findings with four corrective actions per
   audit, written with ``bulk_create``.
2. Each measurement runs in a fresh ``spawn`` process, which reports its own peak RSS
   (``ru_maxrss``):
   - ``ours``: the whole export as the background job does it, timed end to end:
     ``register_build`` (the fixed queries, pandas merges, ``build_tables``) and
     ``register_write`` to a temporary XLSX file;
   - ``pandas_openpyxl``: builds the same tables (not timed), then times
     ``DataFrame.to_excel(engine="openpyxl")``, one sheet per table;
   - ``floor``: builds the same tables (not timed), then times a bare xlsxwriter
     ``constant_memory`` writer of the same cells with no formatting.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEED = 20250304
SEVERITIES = ("critical", "major", "minor", "observation")
STATUSES = ("open", "plan_submitted", "plan_accepted", "evidence_submitted", "verified")


def _setup(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------


def generate(db_path: str, suppliers: int) -> dict[str, Any]:
    """Create the benchmark database; returns what was written and how long it took."""
    _setup(db_path)
    # Project modules import only once _setup() has pointed Django at the benchmark database.
    import numpy as np
    import yaml
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organization
    from actions.models import CorrectiveAction
    from audits.models import Audit
    from questionnaires.models import Questionnaire, QuestionnaireVersion
    from rulesets.models import RuleSet
    from scoring.models import Finding, Score
    from suppliers.models import SupplierRelationship

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    rng = np.random.default_rng(SEED)
    doc = yaml.safe_load((ROOT / "rulesets/library/sme-csr-core-rules.yaml").read_text("utf-8"))
    now = timezone.now()
    today = timezone.localdate()
    batch = 2000

    latin = ["Acme", "Golden", "Pacific", "Harbor", "Lotus", "Summit", "River", "Nova"]
    trade = ["Textiles", "Electronics", "Packaging", "Plastics", "Foods", "Toys"]
    chinese = ["深圳市绿叶电子有限公司", "东莞市华强纺织有限公司", "宁波市恒达包装材料有限公司"]

    with transaction.atomic():
        buyer = Organization.objects.create(
            kind="buyer",
            name="Contoso Retail",
            legal_id="BUYER-1",
            country="DE",
            industry="47",
            size_class="large",
        )
        q = Questionnaire.objects.create(code=doc["questionnaire"], title={"en": "SME CSR"})
        version = QuestionnaireVersion.objects.create(
            questionnaire=q,
            number=1,
            status="published",
            languages=["en", "zh-Hans"],
            title={"en": "SME CSR"},
            published_at=now,
        )
        ruleset = RuleSet.objects.create(
            code=doc["code"],
            version=doc["version"],
            questionnaire_code=doc["questionnaire"],
            status="published",
            document=doc,
            published_at=now,
        )

        names = []
        for i in range(suppliers):
            pick = rng.random()
            if pick < 0.2:
                names.append(f"{chinese[i % len(chinese)]}{i}")
            elif pick < 0.21:
                names.append(f'=HYPERLINK("http://x/{i}","y")' if i % 2 else f"+{i}-2")
            else:
                names.append(f"{latin[i % len(latin)]} {trade[i % len(trade)]} {i} Co., Ltd.")
        countries = rng.choice(["CN", "VN", "BD", "IN", "TR", "MX", "DE"], suppliers)
        industries = rng.choice(["13", "14", "22", "26", "32", "01"], suppliers)
        sizes = rng.choice(["micro", "small", "medium", "large"], suppliers)
        orgs = Organization.objects.bulk_create(
            [
                Organization(
                    kind="supplier",
                    name=names[i],
                    legal_id=f"91{i:016d}",
                    country=countries[i],
                    industry=industries[i],
                    size_class=sizes[i],
                )
                for i in range(suppliers)
            ],
            batch_size=batch,
        )
        crit = rng.choice(["low", "medium", "high"], suppliers)
        cats = rng.choice(["apparel", "electronics", "packaging", "food"], suppliers)
        SupplierRelationship.objects.bulk_create(
            [
                SupplierRelationship(
                    buyer=buyer,
                    supplier=o,
                    buyer_ref=f"SUP-{i:06d}",
                    criticality=crit[i],
                    category=cats[i],
                )
                for i, o in enumerate(orgs)
            ],
            batch_size=batch,
        )
        accepted_days = rng.integers(30, 600, suppliers)
        audits = Audit.objects.bulk_create(
            [
                Audit(
                    buyer=buyer,
                    supplier=o,
                    questionnaire_version=version,
                    ruleset=ruleset,
                    status="accepted",
                    due_date=today,
                    accepted_at=now - datetime.timedelta(days=int(accepted_days[i])),
                    score_released=True,
                )
                for i, o in enumerate(orgs)
            ],
            batch_size=batch,
        )
        overall = np.round(rng.uniform(25, 98, suppliers), 1)
        cat_scores = np.round(rng.uniform(20, 100, (suppliers, 5)), 1)
        category_keys = ("management", "employee", "environment", "market", "community")

        def rating(s: float) -> str:
            return "low" if s >= 80 else "medium" if s >= 60 else "high" if s >= 40 else "critical"

        scores = Score.objects.bulk_create(
            [
                Score(
                    audit=a,
                    ruleset=ruleset,
                    overall=Decimal(str(overall[i])),
                    categories={k: str(cat_scores[i, j]) for j, k in enumerate(category_keys)},
                    rating=rating(overall[i]),
                    trace={},
                    final=True,
                )
                for i, a in enumerate(audits)
            ],
            batch_size=batch,
        )
        per = 4
        n = suppliers * per
        severity = rng.choice(SEVERITIES[:3], n, p=[0.15, 0.35, 0.5])
        codes = [f"F_{k}" for k in ("EMP_HOURS", "ENV_PERMIT", "HS_FIRE", "MKT_BRIBERY")]
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    audit=audits[k // per],
                    buyer=buyer,
                    supplier=orgs[k // per],
                    score=scores[k // per],
                    rule_code=codes[k % per],
                    severity=severity[k],
                    category="employee",
                    title={"en": f"Finding {codes[k % per]}", "zh-Hans": "发现项"},
                )
                for k in range(n)
            ],
            batch_size=batch,
        )
        due_offset = rng.integers(-120, 240, n)
        status = rng.choice(STATUSES, n, p=[0.4, 0.2, 0.15, 0.1, 0.15])
        CorrectiveAction.objects.bulk_create(
            [
                CorrectiveAction(
                    finding=f,
                    audit=audits[k // per],
                    buyer=buyer,
                    supplier=orgs[k // per],
                    severity=severity[k],
                    status=status[k],
                    due_date=today + datetime.timedelta(days=int(due_offset[k])),
                    original_due_date=today + datetime.timedelta(days=int(due_offset[k])),
                    responsible_person="Li Wei" if k % 3 else "王芳",
                )
                for k, f in enumerate(findings)
            ],
            batch_size=batch,
        )
    return {
        "buyer_id": buyer.pk,
        "suppliers": suppliers,
        "audits": len(audits),
        "findings": len(findings),
        "actions": len(findings),
        "migrate_s": round(migrated - started, 2),
        "generate_s": round(time.perf_counter() - migrated, 2),
        "db_mb": round(os.path.getsize(db_path) / 2**20, 1),
    }


# ---------------------------------------------------------------------------------------------
# Measurements (each in its own process)
# ---------------------------------------------------------------------------------------------


def _child(name: str, db_path: str, buyer_id: int, queue: Any) -> None:
    _setup(db_path)
    # Project modules import only once _setup() has pointed Django at the benchmark database.
    from bench_register_writer import _floor, _pandas_openpyxl, _sheets
    from django.db import connection, reset_queries
    from django.utils import timezone

    from accounts.models import Organization
    from register.services import register_build, register_write

    buyer = Organization.objects.get(pk=buyer_id)
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{name}.xlsx")
        if name == "ours":
            connection.force_debug_cursor = True
            reset_queries()
            cpu = time.process_time()
            start = time.perf_counter()
            tables = register_build(buyer=buyer, language="en")
            built = time.perf_counter()
            result["build_cpu_s"] = time.process_time() - cpu
            result["queries"] = len(connection.queries)
            connection.force_debug_cursor = False
            with open(path, "wb") as fh:
                register_write(
                    tables,
                    fh,
                    fmt="xlsx",
                    buyer=buyer,
                    language="en",
                    generated_at=timezone.now(),
                    progress=lambda _p: None,
                )
            end = time.perf_counter()
            result.update(seconds=end - start, build_s=built - start, write_s=end - built)
            result["cpu_s"] = time.process_time() - cpu
        else:
            tables = register_build(buyer=buyer, language="en")
            writer = _pandas_openpyxl if name == "pandas_openpyxl" else _floor
            cpu = time.process_time()
            start = time.perf_counter()
            writer(tables, path)
            result["seconds"] = time.perf_counter() - start
            result["cpu_s"] = time.process_time() - cpu
        result["bytes"] = os.path.getsize(path)
        result["rows"] = {sheet: len(frame) for sheet, frame, _columns in _sheets(tables)}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def _measure(name: str, db_path: str, buyer_id: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, db_path, buyer_id, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _generate_child(db_path: str, suppliers: int, queue: Any) -> None:
    queue.put(generate(db_path, suppliers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--keep", help="write the database here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.keep or os.path.join(tmp, "bench.sqlite3")
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        proc = ctx.Process(target=_generate_child, args=(db_path, args.suppliers, queue))
        proc.start()
        data = queue.get()
        proc.join()

        ours = _measure("ours", db_path, data["buyer_id"])
        pandas_openpyxl = _measure("pandas_openpyxl", db_path, data["buyer_id"])
        floor = _measure("floor", db_path, data["buyer_id"])

    print(
        json.dumps(
            {
                **{k: v for k, v in data.items() if k != "buyer_id"},
                "sheet_rows": ours["rows"],
                "xlsx_mb": round(ours["bytes"] / 2**20, 2),
                "queries": ours["queries"],
                "ours_s": round(ours["seconds"], 2),
                "ours_build_s": round(ours["build_s"], 2),
                "ours_write_s": round(ours["write_s"], 2),
                "ours_peak_rss_mb": round(ours["peak_rss_mb"], 1),
                "pandas_openpyxl_s": round(pandas_openpyxl["seconds"], 2),
                "pandas_openpyxl_peak_rss_mb": round(pandas_openpyxl["peak_rss_mb"], 1),
                "floor_s": round(floor["seconds"], 2),
                "floor_peak_rss_mb": round(floor["peak_rss_mb"], 1),
                "ratio_to_pandas_openpyxl": round(ours["seconds"] / pandas_openpyxl["seconds"], 3),
                "ratio_to_floor": round(ours["seconds"] / floor["seconds"], 3),
                "write_ratio_to_floor": round(ours["write_s"] / floor["seconds"], 3),
                # CPU seconds of each process: the same comparison, less sensitive to a busy
                # machine (the wall-clock ratios above are what the targets are set on).
                "ours_cpu_s": round(ours["cpu_s"], 2),
                "ours_build_cpu_s": round(ours["build_cpu_s"], 2),
                "pandas_openpyxl_cpu_s": round(pandas_openpyxl["cpu_s"], 2),
                "floor_cpu_s": round(floor["cpu_s"], 2),
                "cpu_ratio_to_pandas_openpyxl": round(ours["cpu_s"] / pandas_openpyxl["cpu_s"], 3),
                "cpu_ratio_to_floor": round(ours["cpu_s"] / floor["cpu_s"], 3),
                "targets": {
                    "ours_s_max": 20,
                    "ours_peak_rss_mb_max": 300,
                    "ratio_to_pandas_openpyxl_max": 0.5,
                    "ratio_to_floor_max": 2.0,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
