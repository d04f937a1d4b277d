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


def test_users_and_keys_commands(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "CITEQA_DATA_DIR": str(data), "COLUMNS": "200"}

    def cli(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", "backend.cli", *args], cwd=ROOT, env=env,
                              input=stdin, capture_output=True, text=True, timeout=120)

    added = cli("users", "add", "ops", "--role", "admin", "--groups", "hr,it", stdin="s3cret-pass\n")
    assert added.returncode == 0, added.stderr
    assert "ops: admin, groups: hr, it" in added.stderr
    assert cli("users", "add", "ops").returncode == 1  # exists
    assert cli("users", "add", "bad", "--role", "root", "--password", "long-enough").returncode == 1
    key = cli("keys", "add", "ops", "--label", "ci")
    assert key.returncode == 0
    last = key.stdout.strip().splitlines()[-1]
    assert last.startswith("cq_") and len(last) > 40 and " " not in last
    assert "ops" in cli("users", "list").stdout
    listing = cli("keys", "list").stdout
    assert "ci" in listing and last.split("_")[1] in listing and last.split("_", 2)[2] not in listing
    from backend.auth import Accounts
    from backend.storage import create_store

    accounts = Accounts(create_store(f"sqlite:///{data / 'app.db'}"), "x" * 32, 5)
    assert accounts.authenticate(last).role == "admin"
    assert accounts.login("ops", "s3cret-pass")
    refused = cli("users", "set", "ops", "--role", "member", "--groups", "")
    assert refused.returncode == 1 and "last admin" in refused.stderr  # never zero admins
    assert cli("users", "add", "root", "--role", "admin", "--password", "long-enough").returncode == 0
    assert cli("users", "set", "ops", "--role", "member", "--groups", "").returncode == 0
    assert accounts.authenticate(last).role == "member"
    assert cli("keys", "revoke", "1").returncode == 0
    assert cli("keys", "revoke", "99").returncode == 1
    assert cli("users", "remove", "ops").returncode == 0
