"""The latest and the previous accepted audit of each supplier of a register, from one window
query over the buyer's final scores."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import DenseRank, RowNumber

from accounts.models import Organization
from audits.models import Audit
from audits.share_models import shared_audits
from scoring.models import Score
from suppliers.models import SupplierRelationship


def ranked_scores(
    buyer: Organization, rels: QuerySet[SupplierRelationship], *, depth: int | None = 2
) -> QuerySet:
    """The newest final score of the latest and of the previous accepted audit of each
    supplier in ``rels``, in one window query: ``audit_rank`` is 1 for the latest audit (newest
    ``accepted_at``, then higher id) and 2 for the one before; ``score_rank`` 1 picks the
    newest score of an audit (a re-scored audit has several). An accepted audit of another
    buyer that the supplier shares with ``buyer`` counts like one of its own. ``depth=None``:
    every accepted audit (the history)."""
    return (
        Score.objects.filter(
            Q(audit__buyer_id=buyer.pk) | Q(audit_id__in=shared_audits([buyer.pk])),
            final=True,
            audit__status=Audit.Status.ACCEPTED,
            audit__supplier_id__in=rels.values("supplier_id"),
        )
        .annotate(
            audit_rank=Window(
                DenseRank(),
                partition_by=[F("audit__supplier_id")],
                order_by=[F("audit__accepted_at").desc(), F("audit_id").desc()],
            ),
            score_rank=Window(
                RowNumber(),
                partition_by=[F("audit_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            ),
        )
        .filter(score_rank=1, **({} if depth is None else {"audit_rank__lte": depth}))
    )


def latest_audit_ids(buyer: Organization, rels: QuerySet[SupplierRelationship]) -> QuerySet:
    """The latest accepted (and scored) audit of each supplier in ``rels``, as a subquery."""
    return ranked_scores(buyer, rels).filter(audit_rank=1).values("audit_id")
