"""Measure: how many questions a micro and a small supplier are asked with ISO 14001 and
ISO 45001 certificates, against none (the library questionnaires and rule sets).

    .venv/bin/python bench/bench_certificate_questions.py

Engine only (no database). A supplier opening a new audit has answered nothing yet: the
questions it is asked are the visible ones (follow-up questions appear only after the answer
they follow, so they are not counted) that no certificate answers or waives. A certificate's
answer may show a follow-up question; that one is counted as asked. Prints one JSON object.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.engine import (  # noqa: E402
    HeldCertificate,
    SupplierProfile,
    apply_equivalences,
    compile_questionnaire,
    parse_ruleset,
    questionnaire_spec_from_doc,
)

PAIRS = (("sme-csr-core", "sme-csr-core-rules"), ("sme-csr-quick", "sme-csr-quick-rules"))
DAY = datetime.date(2026, 6, 1)
HELD = (
    HeldCertificate(1, "iso14001", DAY.replace(year=2025), DAY.replace(year=2028), "E-1"),
    HeldCertificate(2, "iso45001", DAY.replace(year=2025), DAY.replace(year=2028), "H-1"),
)


def asked(questionnaire, rules, size: str, certificates) -> dict[str, int]:
    supplier = SupplierProfile(size_class=size, country="CN", industry="13")
    given = apply_equivalences(rules.equivalences, certificates, {}, DAY)
    visible = questionnaire.visible_codes(given.answers, supplier)
    by_certificate = sorted(code for code in given.sources if code in visible)
    return {
        "visible": len(visible),
        "answered_by_certificates": len(by_certificate),
        "asked": len(visible) - len(by_certificate),
    }


def main() -> None:
    out: dict[str, object] = {}
    for q_code, r_code in PAIRS:
        q_doc = yaml.safe_load((ROOT / "questionnaires/library" / f"{q_code}.yaml").read_text())
        r_doc = yaml.safe_load((ROOT / "rulesets/library" / f"{r_code}.yaml").read_text())
        questionnaire = compile_questionnaire(questionnaire_spec_from_doc(q_doc))
        r_doc = {k: v for k, v in r_doc.items() if k not in ("title", "description")}
        rules = parse_ruleset(r_doc, questionnaire.spec)
        out[q_code] = {
            size: {
                "none": asked(questionnaire, rules, size, ()),
                "iso14001+iso45001": asked(questionnaire, rules, size, HELD),
            }
            for size in ("micro", "small")
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
