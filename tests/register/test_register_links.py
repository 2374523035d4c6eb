"""Cells of the register workbook link back to the portal: the supplier's page, the audit's
review page and the corrective action's page, built from the configured site URL."""

from __future__ import annotations

import io

import openpyxl
import pytest

from actions.models import CorrectiveAction
from register.writers import xlsx as xlsx_writer

URL = "/api/v1/risk-register/"
SITE = "https://fairlink.example"


@pytest.fixture
def workbook(reg, api, settings):
    settings.SITE_URL = SITE + "/"

    def fetch():
        response = api(reg.world.a_admin).get(URL, {"format": "xlsx"})
        assert response.status_code == 200
        return openpyxl.load_workbook(io.BytesIO(response.content))

    return fetch


def _column(ws, header: str) -> list:
    headers = [c.value for c in ws[1]]
    index = headers.index(header)
    return [row[index] for row in ws.iter_rows(min_row=2)]


def test_audit_and_action_cells_are_numbers_that_link_to_their_pages(reg, workbook):
    wb = workbook()

    register = wb["Register"]
    names = [c.value for c in _column(register, "Supplier")]
    latest = _column(register, "Latest audit")[names.index(reg.world.s1.name)]
    assert latest.value == reg.s1_latest.pk and latest.data_type == "n"
    assert latest.hyperlink.target == f"{SITE}/b/audits/{reg.s1_latest.pk}/"
    actions = _column(wb["Corrective actions"], "Corrective action")
    ids = set(CorrectiveAction.objects.filter(buyer=reg.world.buyer_a).values_list("pk", flat=True))
    assert actions and {c.value for c in actions} <= ids
    for cell in actions:
        assert cell.data_type == "n"
        assert cell.hyperlink.target == f"{SITE}/b/actions/{cell.value}/"
    # The audit numbers repeated on every finding and history row stay plain numbers: the
    # Register links each latest audit once (a link costs memory until the file is closed).
    assert all(c.hyperlink is None for c in _column(wb["Findings"], "Audit"))


def test_no_more_links_than_excel_allows_per_sheet(reg, workbook, monkeypatch):
    monkeypatch.setattr(xlsx_writer, "_MAX_LINKS", 2)

    names = _column(workbook()["Register"], "Supplier")

    assert len(names) == 5 and all(c.value for c in names)
    assert sum(c.hyperlink is not None for c in names) == 2
