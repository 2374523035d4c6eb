"""Helpers for the audit lifecycle tests."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.services.audits import audit_issue

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def office_bytes(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<doc/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


# Answers that satisfy every required question of mini.yaml for a small supplier.
COMPLETE = [
    {"question": "MGT_01", "value": "yes"},
    {"question": "EMP_01", "value": "yes"},
    {"question": "EMP_02", "value": "no"},
    {"question": "EMP_04", "value": 44},
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The world fixture sets nine passwords; these tests never log in with one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def issue(world, version):
    """``issue(supplier=..., actor=..., **kw)`` issues a mini audit (buyer A, s1 by default)."""

    def make(*, supplier=None, actor=None, **kw):
        kw.setdefault("due_date", in_days(30))
        return audit_issue(
            supplier=supplier or world.s1,
            questionnaire_version=kw.pop("questionnaire_version", version),
            actor=actor or world.a_officer,
            **kw,
        )

    return make
