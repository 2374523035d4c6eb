"""The register's JSON and CSV are streamed a chunk of rows at a time, with the same content;
above the direct limit every format goes through an export job; the latest and previous
scores come from one window query."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from register.selectors import register_data
from register.selectors.reading import read_frame, read_frames
from register.services import export_details, register_build, register_write
from register.tables import RegisterTables, build_tables
from register.writers import csv_json, iter_csv, iter_json, to_json, write_csv
from register.writers import xlsx as xlsx_writer
from suppliers.models import SupplierRelationship

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk-register/"


def test_json_is_streamed_with_the_documents_keys_in_order(reg, api):
    response = api(reg.world.a_admin).get(URL, {"criticality": "high,medium,low"})

    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert list(body) == [
        "buyer",
        "generated_at",
        "filters",
        "summary",
        "register",
        "findings",
        "actions",
        "history",
        "method",
    ]
    assert body["buyer"] == {"id": reg.world.buyer_a.pk, "name": reg.world.buyer_a.name}
    assert body["filters"] == {"criticality": ["high", "medium", "low"]}
    tables = register_build(buyer=reg.world.buyer_a, filters=body["filters"])
    expected = to_json(tables)
    assert {k: body[k] for k in expected} == expected


def test_csv_is_streamed(reg, api):
    response = api(reg.world.a_admin).get(URL, {"format": "csv"})

    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 5


@pytest.mark.parametrize("rows_per_chunk", [1, 2, 3, 100])
def test_chunked_json_and_csv_are_the_whole_document(reg, monkeypatch, rows_per_chunk):
    # 5 suppliers: chunks of 1 (a multiple), 2 and 3 (a short last chunk) and 100 (one chunk).
    monkeypatch.setattr(csv_json, "_CHUNK_ROWS", rows_per_chunk)
    tables = register_build(buyer=reg.world.buyer_a)

    chunks = list(iter_json(tables, head={"buyer": {"id": 1}}))

    assert json.loads(b"".join(chunks)) == {"buyer": {"id": 1}, **to_json(tables)}
    assert len(chunks) > len(tables.register) // rows_per_chunk
    whole = io.BytesIO()
    write_csv(tables, whole)
    assert b"".join(iter_csv(tables)) == whole.getvalue()
    assert whole.getvalue().count(b"\r\n") == 1 + len(tables.register)


def test_json_above_its_direct_limit_goes_through_an_export_job(reg, api, settings):
    settings.FAIRLINK_REGISTER_JSON_LIMIT = 4
    client = api(reg.world.a_admin)

    response = client.get(URL)

    assert response.status_code == 400
    assert response.json()["code"] == "use_export_job"
    assert "/api/v1/exports/" in response.json()["detail"]
    assert client.get(URL, {"criticality": "high"}).status_code == 200


def test_latest_and_previous_scores_come_from_one_window_query(reg):
    with CaptureQueriesContext(connection) as queries:
        data = register_data(buyer=reg.world.buyer_a)

    score_queries = [q["sql"] for q in queries if 'FROM "scoring_score"' in q["sql"]]
    windowed = [sql for sql in score_queries if "OVER (PARTITION BY" in sql]
    # The register rows' scores, and the latest audits under the findings and the actions.
    assert len(windowed) == len(score_queries) >= 1
    row = data.register.set_index("supplier_name").loc[reg.world.s1.name]
    assert row["previous_overall"] is not None
    delta = row["overall_score"] - float(row["previous_overall"])
    assert row["score_delta"] == pytest.approx(delta)


def test_the_json_reads_each_detail_table_when_it_writes_it(reg):
    assert [export_details(fmt) for fmt in ("csv", "json", "xlsx")] == [False, "later", "later"]
    whole = to_json(register_build(buyer=reg.world.buyer_a))
    tables = register_build(buyer=reg.world.buyer_a, details="later")
    assert tables.findings.empty and tables.actions.empty and tables.history.empty

    read_before: dict[str, int] = {}
    with CaptureQueriesContext(connection) as queries:
        chunks = []
        for chunk in iter_json(tables):
            for key in ("findings", "actions", "history"):
                if f'"{key}":['.encode() in chunk:
                    read_before[key] = len(queries)
            chunks.append(chunk)

    assert json.loads(b"".join(chunks)) == whole
    # Nothing read before the findings are written; each table read after the one before.
    assert 0 == read_before["findings"] < read_before["actions"] < read_before["history"]
    assert len(queries) > read_before["history"]
    assert to_json(tables) == whole and to_json(tables.read_whole()) == whole


def test_the_summary_counts_overdue_critical_actions_without_reading_the_actions(reg):
    data = register_data(buyer=reg.world.buyer_a)
    tables = build_tables(
        data.register, data.findings, data.actions, data.method, filters={}, history=data.history
    )
    actions = tables.actions
    counted = int((actions["overdue"].fillna(False) & (actions["severity"] == "critical")).sum())

    assert tables.summary["overdue_critical_actions"] == counted > 0
    without = build_tables(
        data.register.drop(columns="overdue_critical_actions"),
        data.findings,
        data.actions,
        data.method,
        filters={},
        history=data.history,
    )
    assert without.summary == tables.summary
    assert "overdue_critical_actions" not in to_json(tables)["register"][0]


@pytest.mark.parametrize("rows_per_chunk", [1, 2, 3, 100])
def test_detail_tables_read_in_chunks_are_the_whole_tables(reg, monkeypatch, rows_per_chunk):
    monkeypatch.setattr(csv_json, "_CHUNK_ROWS", rows_per_chunk)
    monkeypatch.setattr(csv_json, "_READ_ROWS", rows_per_chunk)
    whole = register_build(buyer=reg.world.buyer_a)
    tables = register_build(buyer=reg.world.buyer_a, details="later")

    assert json.loads(b"".join(iter_json(tables))) == to_json(whole)
    for key in ("findings", "actions", "history"):
        frames = list(tables.detail_frames(key, size=rows_per_chunk))
        assert len(frames) >= min(len(getattr(whole, key)), 2) // rows_per_chunk
        pd.testing.assert_frame_equal(
            pd.concat(frames, ignore_index=True), getattr(whole, key), check_dtype=False
        )
    # A supplier's history is in one frame: the change per category needs the audit before.
    suppliers = [
        set(frame["supplier_id"]) for frame in tables.detail_frames("history", size=rows_per_chunk)
    ]
    assert sum(len(s) for s in suppliers) == len(set().union(*suppliers))


def test_rows_are_read_in_frames_that_keep_a_group_together(reg):
    rows = SupplierRelationship.objects.order_by("buyer_id", "pk").values_list("buyer_id", "pk")

    frames = list(read_frames(rows, ["buyer_id", "pk"], size=1, group="buyer_id"))

    whole = read_frame(rows, ["buyer_id", "pk"])
    assert len(frames) >= 2 and len(whole) > len(frames)
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), whole)
    assert all(frame["buyer_id"].nunique() == 1 for frame in frames if len(frame))
    assert len(next(read_frames(rows, ["buyer_id", "pk"], size=2))) == 2


def _workbook_values(tables, **kwargs) -> dict[str, list[tuple]]:
    out = io.BytesIO()
    register_write(tables, out, fmt="xlsx", language="en", **kwargs)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


def test_the_workbook_reads_each_detail_table_just_before_its_sheet(reg, monkeypatch):
    buyer, at = reg.world.buyer_a, timezone.now()
    whole = _workbook_values(register_build(buyer=buyer), buyer=buyer, generated_at=at)
    read: list[tuple[str, int]] = []
    progress: list[int] = []
    detail = RegisterTables.detail

    def spy(self, key):
        read.append((key, len(progress)))
        return detail(self, key)

    monkeypatch.setattr(RegisterTables, "detail", spy)
    tables = register_build(buyer=buyer, details=export_details("xlsx"))
    later = _workbook_values(tables, buyer=buyer, generated_at=at, progress=progress.append)

    assert later == whole
    # Read in the sheets' order, each after the sheet before it was written.
    assert [key for key, _ in read] == ["findings", "actions", "history"]
    assert 0 < read[0][1] < read[1][1] < read[2][1] < len(progress)
    assert progress == sorted(set(progress)) and progress[0] == 0 and progress[-1] == 100


def test_a_detail_table_read_for_its_sheet_is_checked_against_excels_row_limit(reg, monkeypatch):
    tables = register_build(buyer=reg.world.buyer_a, details="later")
    history = pd.concat([tables.detail("history")] * 2, ignore_index=True)
    tables = replace(
        tables, loaders={**tables.loaders, "history": lambda size=None: iter([history])}
    )
    monkeypatch.setattr(xlsx_writer, "_EXCEL_MAX_DATA_ROWS", len(tables.register))
    assert len(history) > len(tables.register)

    with pytest.raises(ValueError, match="rows exceed Excel's"):
        register_write(tables, io.BytesIO(), fmt="xlsx", buyer=reg.world.buyer_a, language="en")
