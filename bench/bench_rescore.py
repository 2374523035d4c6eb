"""Benchmark: bulk re-score of accepted audits on SQLite (target: 10,000 audits in <= 60 s).

    .venv/bin/python bench/bench_rescore.py [--audits 10000] [--batch-size 1000] [--seed 7]

Builds a throw-away SQLite database in a temporary directory (``DATABASE_URL`` is set before
Django starts, then ``migrate``), loads the library questionnaire ``sme-csr-core`` and its rule
set (the test questionnaire ``mini-csr`` when the library files are missing), creates the
accepted audits with a random complete answer set each using ``bulk_create`` (not timed), then
times ``scoring.services.rescore_bulk`` - reading answers, scoring, storing scores with their
trace and the activity events. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = ("micro", "small", "medium", "large")
COUNTRIES = ("CN", "VN", "BD", "IN", "DE", "TH")
INDUSTRIES = ("13", "14", "15", "25", "26", "22")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--suppliers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fairlink-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()

    # Project modules import only after django.setup().
    import yaml
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Organization
    from audits.models import Answer, Audit
    from flows.demo.programme import random_answer
    from rulesets import compiled as inputs
    from rulesets.services import ruleset_import
    from scoring.models import Score
    from scoring.services import rescore_bulk
    from tests.factories import load_doc, make_version

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)

    q_file = ROOT / "questionnaires" / "library" / "sme-csr-core.yaml"
    r_file = ROOT / "rulesets" / "library" / "sme-csr-core-rules.yaml"
    if q_file.exists() and r_file.exists():
        source = "library"
        q_doc = yaml.safe_load(q_file.read_text(encoding="utf-8"))
        r_doc = yaml.safe_load(r_file.read_text(encoding="utf-8"))
    else:
        source = "tests/data/mini"
        q_doc, r_doc = load_doc("mini.yaml"), load_doc("mini-rules.yaml")
    version = make_version(q_doc)
    ruleset = ruleset_import(document=r_doc, publish=True)
    compiled, codes = inputs.compiled_questionnaire(version)
    by_code = {q.code: q for q in compiled.spec.questions}
    questions = [(pk, by_code[code]) for pk, code in codes.items()]

    setup_started = time.perf_counter()
    buyer = Organization.objects.create(
        kind="buyer",
        name="Bench buyer",
        legal_id="BENCH-BUYER",
        country="DE",
        industry="47",
        size_class="large",
    )
    suppliers = Organization.objects.bulk_create(
        Organization(
            kind="supplier",
            name=f"Supplier {n}",
            legal_id=f"BENCH-S{n:06d}",
            country=rng.choice(COUNTRIES),
            industry=rng.choice(INDUSTRIES),
            size_class=rng.choice(SIZES),
        )
        for n in range(args.suppliers)
    )
    now = timezone.now()
    audits = Audit.objects.bulk_create(
        (
            Audit(
                buyer=buyer,
                supplier=rng.choice(suppliers),
                questionnaire_version=version,
                ruleset=ruleset,
                status=Audit.Status.ACCEPTED,
                due_date=now.date(),
                issued_at=now,
                submitted_at=now,
                accepted_at=now,
                score_released=True,
            )
            for _ in range(args.audits)
        ),
        batch_size=2000,
    )
    answers = 0
    chunk: list[Answer] = []
    for audit in audits:
        for question_id, question in questions:
            value, na = random_answer(question, {}, rng)
            chunk.append(
                Answer(audit_id=audit.pk, question_id=question_id, value=value, not_applicable=na)
            )
        if len(chunk) >= 20_000:
            Answer.objects.bulk_create(chunk, batch_size=5000)
            answers += len(chunk)
            chunk = []
    Answer.objects.bulk_create(chunk, batch_size=5000)
    answers += len(chunk)
    setup_seconds = time.perf_counter() - setup_started

    inputs.clear_cache()  # the timed run compiles the rule set itself
    started, cpu_started = time.perf_counter(), time.process_time()
    result = rescore_bulk(ruleset=ruleset, batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started

    assert result.scored == args.audits, result
    assert Score.objects.filter(ruleset=ruleset).count() == args.audits
    db_bytes = Path(connection.settings_dict["NAME"]).stat().st_size
    print(
        json.dumps(
            {
                "audits": result.scored,
                "seconds": round(seconds, 2),
                "audits_per_s": round(result.scored / seconds, 1),
                "cpu_seconds": round(cpu_seconds, 2),
                "limit_seconds": 60,
                "within_limit": seconds <= 60,
                "answers": answers,
                "questions": len(questions),
                "batch_size": args.batch_size,
                "source": source,
                "database": "sqlite",
                "setup_seconds": round(setup_seconds, 1),
                "database_mb": round(db_bytes / 1e6, 1),
                # Wall time on a shared machine depends on its load; cpu_seconds does not.
                "load_average_1m": round(os.getloadavg()[0], 1),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
