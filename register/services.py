"""Risk register exports: build the register for a buyer and write it as XLSX, CSV or JSON,
directly (``register_build`` / ``register_write``) or as a background job (``export_create``,
``export_run``, ``export_purge_expired``).

Jobs run on Celery when a broker is configured; otherwise the task runs in-process right after
the creating transaction commits (``CELERY_TASK_ALWAYS_EAGER``), so the job is already finished
when the API answers. Finished files live in the default storage under a random name and expire
``settings.FAIRLINK_EXPORT_TTL_HOURS`` after they were written.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.languages import CONTENT_LANGUAGES, to_content_language
from accounts.models import Organization
from activity.models import ActivityEvent

from .labels import register_labels
from .links import portal_links
from .models import ExportJob
from .selectors import register_data, register_filters_clean
from .tables import RegisterTables, build_tables
from .writers import iter_json, write_csv, write_xlsx

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
# Share of the progress bar spent on the queries before the writer starts reporting.
_QUERY_SHARE = 10


def export_title(language: str) -> str:
    return "风险登记册" if language == "zh-Hans" else "Risk register"


def export_filename(*, buyer: Organization, fmt: str, on: datetime.date) -> str:
    """``fairlink-risk-register-<buyer-slug>-<YYYY-MM-DD>.<fmt>`` (ASCII slug; ``buyer-<id>``
    when the name has no ASCII letters)."""
    slug = slugify(buyer.name) or f"buyer-{buyer.pk}"
    return f"fairlink-risk-register-{slug}-{on.isoformat()}.{fmt}"


# ---------------------------------------------------------------------------------------------
# Building and writing
# ---------------------------------------------------------------------------------------------


def register_build(
    *,
    buyer: Organization,
    filters: Mapping[str, list[str]] | None = None,
    language: str = "en",
    today: datetime.date | None = None,
    details: bool | str = True,
) -> RegisterTables:
    """The normalised, filtered register of ``buyer`` (filters already cleaned);
    ``details=False``: without the findings, corrective actions and history (for the CSV);
    ``details="later"``: each of them read when a writer asks for it (the JSON and the
    workbook write them one after the other: one of them in memory at a time)."""
    filters = dict(filters or {})
    data = register_data(
        buyer=buyer, filters=filters, language=language, today=today, details=details and "later"
    )
    tables = build_tables(
        data.register,
        data.findings,
        data.actions,
        data.method,
        filters=filters,
        history=data.history,
        loaders=data.loaders,
    )
    # Read whole, each detail table is normalised as it is read: neither the register as read
    # nor a detail table as read is held while the next one is read.
    del data
    return tables if details == "later" else tables.read_whole()


def export_details(fmt: str) -> bool | str:
    """What ``register_build`` reads of the detail tables for ``fmt``: none for the CSV (the
    Register table only); for the JSON and the workbook, each when it is written."""
    return False if fmt == "csv" else "later"


def register_write(
    tables: RegisterTables,
    target: IO[bytes],
    *,
    fmt: str,
    buyer: Organization,
    language: str,
    generated_at: datetime.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write ``tables`` to the binary stream ``target`` in ``fmt`` (xlsx, csv or json)."""
    if fmt == "xlsx":
        write_xlsx(
            tables,
            target,
            title=export_title(language),
            buyer_name=buyer.name,
            generated_at=timezone.localtime(generated_at or timezone.now()),
            language=language,
            labels=register_labels(language),
            links=portal_links(),
            progress=progress,
        )
    elif fmt == "csv":
        write_csv(tables, target, language=language, labels=register_labels(language))
    elif fmt == "json":
        for chunk in iter_json(tables):
            target.write(chunk)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


# ---------------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------------


def export_create(
    *,
    buyer: Organization,
    actor,
    format: str = ExportJob.Format.XLSX,
    filters: Mapping[str, Any] | None = None,
    language: str = "en",
) -> ExportJob:
    """Queue an export of ``buyer``'s register (the caller checked ``export_register``).

    Validates format, language and filters (``ValidationError`` per field, nothing created),
    records an ``export_requested`` event and starts ``run_export_task`` after commit."""
    errors: dict[str, list[str]] = {}
    if format not in ExportJob.Format.values:
        errors["format"] = [_("Use one of: %s.") % ", ".join(ExportJob.Format.values)]
    if language not in (*CONTENT_LANGUAGES, "zh-hans"):
        errors["language"] = [_("Use one of: %s.") % ", ".join(CONTENT_LANGUAGES)]
    lang = to_content_language(language)
    try:
        clean = register_filters_clean(filters or {})
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[f"filters.{field}"] = messages
        clean = {}
    if errors:
        raise ValidationError(errors)

    from .tasks import run_export_task

    with transaction.atomic():
        job = ExportJob.objects.create(
            buyer=buyer, created_by=actor, format=format, language=lang, filters=clean
        )
        ActivityEvent.objects.create(
            actor=actor,
            organization=buyer,
            verb="export_requested",
            to_status=ExportJob.Status.QUEUED,
            data={"export_id": job.pk, "format": format, "filters": clean},
        )
        transaction.on_commit(partial(_export_enqueue, run_export_task, job.pk))
    return job


def _export_enqueue(task, job_id: int) -> None:
    """Queue the job after commit; a broker that cannot be reached fails the job visibly (the
    caller asks for a new export) instead of failing the request that created it."""
    try:
        task.delay(job_id)
    except KombuOperationalError as exc:
        logger.exception("Export %s could not be queued", job_id)
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED,
            error=_("The export could not be started (%(error)s). Ask for it again.")
            % {"error": f"{type(exc).__name__}: {exc}"[:500]},
            finished_at=timezone.now(),
        )


def export_run(*, job_id: int, now: datetime.datetime | None = None) -> ExportJob:
    """Run a queued export: status ``running`` with progress, then ``done`` with the file saved
    to the default storage under a random name and ``expires_at`` set; ``failed`` with the
    error otherwise. A job that is finished is returned unchanged (a retried task); one left
    ``running`` by a worker that died (the task is redelivered) runs again from the start: its
    file is saved only at the end, so nothing of the killed run was visible."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    ).update(status=ExportJob.Status.RUNNING, progress=0)
    job = ExportJob.objects.select_related("buyer").get(pk=job_id)
    if not claimed:
        return job

    def progress(percent: int) -> None:
        scaled = _QUERY_SHARE + percent * (100 - _QUERY_SHARE) // 100
        ExportJob.objects.filter(pk=job_id).update(progress=min(scaled, 99))

    try:
        tables = register_build(
            buyer=job.buyer,
            filters=job.filters,
            language=job.language,
            details=export_details(job.format),
        )
        ExportJob.objects.filter(pk=job_id).update(progress=_QUERY_SHARE)
        with tempfile.TemporaryFile() as tmp:
            register_write(
                tables,
                tmp,
                fmt=job.format,
                buyer=job.buyer,
                language=job.language,
                generated_at=now,
                progress=progress,
            )
            tmp.seek(0)
            job.file.save(f"{uuid.uuid4().hex}.{job.format}", File(tmp), save=False)
    # A background job must end in a state the user can see; whatever broke is recorded on the
    # job and logged with its traceback rather than leaving it "running" for ever.
    except Exception as exc:
        logger.exception("Export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED,
            error=str(exc)[:2000] or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job

    finished = now or timezone.now()
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.rows = len(tables.register)
    job.finished_at = finished
    job.expires_at = finished + datetime.timedelta(hours=settings.FAIRLINK_EXPORT_TTL_HOURS)
    job.save(update_fields=["status", "progress", "rows", "file", "finished_at", "expires_at"])
    return job


def export_is_expired(job: ExportJob, *, now: datetime.datetime | None = None) -> bool:
    """Expired = purged, or past ``expires_at`` even if the purge has not run yet."""
    if job.status == ExportJob.Status.EXPIRED:
        return True
    return job.expires_at is not None and job.expires_at <= (now or timezone.now())


def export_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of finished jobs past ``expires_at`` and mark them ``expired``; also
    drop the partial files of failed jobs older than the time to live. Returns the number of
    jobs expired."""
    now = now or timezone.now()
    ttl = datetime.timedelta(hours=settings.FAIRLINK_EXPORT_TTL_HOURS)
    purged = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now):
        if job.file:
            job.file.delete(save=False)
        job.status = ExportJob.Status.EXPIRED
        job.save(update_fields=["status", "file"])
        purged += 1
    for job in ExportJob.objects.filter(
        status=ExportJob.Status.FAILED, created_at__lte=now - ttl
    ).exclude(file=""):
        job.file.delete(save=False)
        job.save(update_fields=["file"])
    return purged
