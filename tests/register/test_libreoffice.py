"""The register workbook opens in LibreOffice: headless Calc converts it to PDF, one page wide
per sheet (scripts/test.sh installs Debian's libreoffice-calc-nogui when it is missing)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

URL = "/api/v1/risk-register/"
SOFFICE = shutil.which("soffice")
SHEETS = 7


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_workbook_converts_to_pdf_with_libreoffice(reg, api, tmp_path: Path, language):
    response = api(reg.world.a_admin).get(URL, {"format": "xlsx", "lang": language})
    assert response.status_code == 200
    source = tmp_path / "register.xlsx"
    source.write_bytes(response.content)

    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )

    pdf = (tmp_path / "register.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    # Every sheet prints, each on one page wide: a few suppliers take one page per sheet
    # (without fitting, the Register alone spread over a dozen pages).
    assert SHEETS <= _pdf_pages(pdf) <= SHEETS + 1
