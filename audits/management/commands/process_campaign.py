"""``python manage.py process_campaign ID``: issue (or resume issuing) a campaign's audits now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audits.models import Campaign
from audits.tasks import process_campaign_here


class Command(BaseCommand):
    help = (
        "Run a campaign's processing in this process: a failed or interrupted campaign resumes "
        "with the suppliers that have no audit of it yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)

    def handle(self, *args, **options):
        campaign_id = options["campaign_id"]
        if not Campaign.objects.filter(pk=campaign_id).exists():
            raise CommandError(f"No campaign {campaign_id}.")
        process_campaign_here(campaign_id)
        campaign = Campaign.objects.get(pk=campaign_id)
        self.stdout.write(
            f"Campaign {campaign.pk}: {campaign.status}, {campaign.processed} of {campaign.total}."
        )
        if campaign.status == Campaign.Status.FAILED:
            raise CommandError(campaign.error)
