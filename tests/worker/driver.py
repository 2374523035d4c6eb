"""Run by tests/worker/test_real_worker.py in its own process, against a database and a broker
shared with a real Celery worker. Creates a buyer with N suppliers, issues a campaign to all of
them and queues a register export, waits for the worker to finish both, prints JSON."""

from __future__ import annotations

import datetime
import json
import sys
import time


def main(suppliers: int, timeout: float) -> None:
    import django

    django.setup()
    from audits.models import Audit, Campaign
    from audits.services.audits import campaign_create
    from questionnaires.models import QuestionnaireVersion
    from register.models import ExportJob
    from register.services import export_create
    from tests.factories import make_supplier_network

    version = QuestionnaireVersion.objects.get(
        questionnaire__code="sme-csr-quick", questionnaire__owner=None, status="published"
    )
    buyer, officer, suppliers_added = make_supplier_network("Worker", suppliers)
    supplier_ids = [supplier.pk for supplier in suppliers_added]
    campaign = campaign_create(
        actor=officer,
        name="Worker campaign",
        questionnaire_version=version,
        due_date=datetime.date.today() + datetime.timedelta(days=30),
        buyer=buyer,
        supplier_ids=supplier_ids,
    )
    job = export_create(buyer=buyer, actor=officer, format=ExportJob.Format.XLSX)

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        campaign.refresh_from_db()
        job.refresh_from_db()
        if campaign.status in ("done", "failed") and job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    print(
        json.dumps(
            {
                "campaign_status": campaign.status,
                "campaign_processed": campaign.processed,
                "campaign_total": campaign.total,
                "audits": Audit.objects.filter(campaign=campaign).count(),
                "distinct_suppliers": Audit.objects.filter(campaign=campaign)
                .values("supplier")
                .distinct()
                .count(),
                "export_status": job.status,
                "export_rows": job.rows,
                "export_file": bool(job.file),
                "campaigns": Campaign.objects.count(),
                "chunks_done": campaign.chunks.filter(done_at__isnull=False).count(),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]))
