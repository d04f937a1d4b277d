"""The ingest command as a user runs it: progress, summary, skipped files, idempotence."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow


def run(args, data_dir):
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_ingest_cli_reports_a_summary_and_skips_bad_files(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.5 not really")
    (folder / "faq.md").write_bytes((SAMPLES / "it_helpdesk_faq.md").read_bytes())
    data = tmp_path / "data"
    first = run(["ingest", str(folder), str(SAMPLES / "employee_handbook.pdf")], data)
    assert first.returncode == 0, first.stderr
    out = first.stderr
    assert "corrupt.pdf" in out and "failed" in out and "PDF" in out
    assert "files: 3" in out and "new/changed: 2" in out and "skipped: 1" in out
    assert "pages: 5" in out and "seconds:" in out
    again = run(["backend.cli", "ingest", str(folder)], data)
    assert "unchanged: 1" in again.stderr and "skipped: 1" in again.stderr
    listing = run(["backend.cli", "documents"], data)
    assert "faq.md" in listing.stdout and "employee_handbook.pdf" in listing.stdout


def test_ingest_cli_fails_when_nothing_can_be_ingested(tmp_path):
    result = run(["ingest", str(tmp_path / "missing-folder")], tmp_path / "data")
    assert result.returncode == 1
