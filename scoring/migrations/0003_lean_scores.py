"""Lean scores: a score keeps only what is specific to its audit, the rest is rebuilt from its
rule set on read (``scoring.engine.stored``). Existing scores by a rule set and a questionnaire
version that can no longer change are slimmed; hand-written ones (no engine trace) stay full.
Reversible: going back rebuilds every lean score in full."""

from django.db import migrations, models

from scoring.engine.stored import full_findings, full_trace, lean_findings, lean_trace

BATCH = 500


def _engine_made(score) -> bool:
    """A full score as the engine stored it: a trace with questions and findings, and the same
    findings (with titles) in both places, in the same order."""
    trace, findings = score.trace or {}, score.findings or []
    if not isinstance(trace, dict) or "questions" not in trace or "findings" not in trace:
        return False
    if any(not isinstance(f, dict) or "title" not in f for f in findings):
        return False
    return [f.get("code") for f in findings] == [f.get("code") for f in trace["findings"]]


def slim(apps, schema_editor):
    Score = apps.get_model("scoring", "Score")
    scores = (
        Score.objects.filter(lean=False)
        .exclude(ruleset__status="draft")
        .exclude(audit__questionnaire_version__status="draft")
        .order_by("pk")
    )
    batch = []
    for score in scores.iterator(chunk_size=BATCH):
        if not _engine_made(score):
            continue
        score.findings = lean_findings(score.findings)
        score.trace = lean_trace(score.trace)
        score.lean = True
        batch.append(score)
        if len(batch) >= BATCH:
            Score.objects.bulk_update(batch, ["findings", "trace", "lean"])
            batch = []
    Score.objects.bulk_update(batch, ["findings", "trace", "lean"])


def fatten(apps, schema_editor):
    # Rebuilding needs the compiled rule set, which only the application code makes: the rows
    # are read with the current models (this runs while the ``lean`` column still exists).
    from questionnaires.models import QuestionnaireVersion
    from rulesets import compiled as inputs
    from rulesets.models import RuleSet

    Score = apps.get_model("scoring", "Score")
    rulesets: dict = {}
    versions: dict = {}
    batch = []
    for score in Score.objects.filter(lean=True).select_related("audit").iterator(chunk_size=BATCH):
        ruleset = rulesets.get(score.ruleset_id) or RuleSet.objects.get(pk=score.ruleset_id)
        rulesets[score.ruleset_id] = ruleset
        version_id = score.audit.questionnaire_version_id
        version = versions.get(version_id) or QuestionnaireVersion.objects.get(pk=version_id)
        versions[version_id] = version
        compiled = inputs.compiled_ruleset(ruleset, version)
        lean = score.findings or []
        score.trace = full_trace(compiled, score.trace or {}, lean)
        score.findings = full_findings(compiled, lean)
        score.lean = False
        batch.append(score)
        if len(batch) >= BATCH:
            Score.objects.bulk_update(batch, ["findings", "trace", "lean"])
            batch = []
    Score.objects.bulk_update(batch, ["findings", "trace", "lean"])


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0002_default_risk_tables"),
        ("rulesets", "0001_initial"),
        ("questionnaires", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="score",
            name="lean",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(slim, fatten, elidable=True),
    ]
