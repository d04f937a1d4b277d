"""The web UI in a real browser (Debian chromium via Playwright) against the real API."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD, ROOT, citeqa, free_port, stop

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
CHROMIUM = os.environ.get("CITEQA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def ui_url(api_url, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "CITEQA_API_URL": api_url}
    log = open(tmp_path_factory.mktemp("ui") / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "frontend" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        stop(proc)
        pytest.fail("streamlit did not start")
    yield url
    stop(proc)


@pytest.fixture(autouse=True)
def screenshot_on_failure(request):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "page" in request.fixturenames:
        request.getfixturevalue("page").screenshot(
            path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)


@pytest.fixture(scope="module")
def page(ui_url):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (the test command does)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.set_default_timeout(60_000)
        sign_in(pg, ui_url, "admin", ADMIN_PASSWORD)
        yield pg
        browser.close()


def sign_in(pg, ui_url: str, user: str, password: str) -> None:
    pg.goto(ui_url)
    pg.get_by_label("User name").fill(user)
    pg.get_by_label("Password", exact=True).fill(password)
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_text(f"Signed in as {user}").wait_for()


def test_sign_in_refuses_a_wrong_password_and_members_see_no_admin_pages(ui_url, server_data_dir):
    from playwright.sync_api import sync_playwright

    citeqa(server_data_dir, "users", "add", "erin", "--password", "erin-pass-123")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        pg = browser.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(ui_url)
        pg.get_by_label("User name").fill("erin")
        pg.get_by_label("Password", exact=True).fill("wrong-password")
        pg.get_by_role("button", name="Sign in").click()
        pg.get_by_text("wrong user name or password").wait_for()
        sign_in(pg, ui_url, "erin", "erin-pass-123")
        pg.get_by_test_id("stChatInputTextArea").wait_for()
        expect(pg.get_by_role("link", name="Documents")).to_have_count(0)
        browser.close()


def test_ask_a_question_and_open_its_citation(page, ui_url):
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("What is our travel reimbursement limit?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(1)
    answer.get_by_text("2,500 euros").first.wait_for()
    expander = answer.get_by_test_id("stExpander").first
    expander.get_by_text("[1] travel_reimbursement_policy.docx").wait_for()
    assert "Reimbursement limits" in expander.inner_text()
    expander.get_by_text("[1] travel_reimbursement_policy.docx").click()
    expander.get_by_text("180 euros per night").wait_for()
    expander.get_by_text("Hotel | 180 euros per night").wait_for()  # table rows shown verbatim
    link = expander.get_by_role("link", name="Open document")
    link.wait_for()
    href = link.get_attribute("href")
    assert "/file?token=" in href
    opened = httpx.get(href)  # the browser sends no header: the link itself is the permission
    assert opened.status_code == 200 and opened.content.startswith(b"PK")
    page.wait_for_timeout(500)  # let the expander's opening animation finish for the screenshot
    page.screenshot(path=str(ARTIFACTS / "ask.png"), full_page=True)


def test_upload_list_and_delete_a_document(page, ui_url, tmp_path):
    doc = tmp_path / "bike_policy.md"
    doc.write_text("# Bikes\n\nEmployees can lease an e-bike for 25 euros a month.", encoding="utf-8")
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("heading", name="Documents").first.wait_for()
    page.locator("input[type=file]").set_input_files(str(doc))
    # the browser sends the file to Streamlit first; submitting before it is listed sends nothing
    page.get_by_test_id("stFileUploader").get_by_text("bike_policy.md").wait_for()
    page.get_by_role("button", name="Upload and index").click()
    page.get_by_text("bike_policy.md: ingested").wait_for()
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text="bike_policy.md")
    row.get_by_text("1 chunks").wait_for()
    page.screenshot(path=str(ARTIFACTS / "documents.png"), full_page=True)
    row.get_by_role("button", name="Delete").click()
    page.get_by_text("Deleted bike_policy.md").wait_for()
    expect(page.get_by_test_id("stHorizontalBlock").filter(has_text="bike_policy.md")).to_have_count(0)
    expect(page.get_by_test_id("stHorizontalBlock").filter(has_text="employee_handbook.pdf")).to_have_count(1)
