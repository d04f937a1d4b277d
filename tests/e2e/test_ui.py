"""The web UI in a real browser (Debian chromium via Playwright) against the real API."""

import json
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

from tests.api.test_api import wait_job
from tests.conftest import ADMIN_PASSWORD, ROOT, citeqa, free_port, new_key, start_server, stop

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
CHROMIUM = os.environ.get("CITEQA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# A Streamlit rerun keeps the previous run's elements on screen until it ends; on a loaded
# 2-core CI box that takes longer than Playwright's default 5 s for `expect`.
expect.set_options(timeout=30_000)


def start_ui(api_url: str, log_dir: Path):
    port = free_port()
    env = {**os.environ, "CITEQA_API_URL": api_url}
    log = open(log_dir / "streamlit.log", "wb")
    from backend.cli import _streamlit_cmd

    # the command `citeqa ui` runs, with its options
    proc = subprocess.Popen(_streamlit_cmd(port, "127.0.0.1"), cwd=ROOT, env=env, stdout=log,
                            stderr=log)
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
    return proc, url


@pytest.fixture(scope="module")
def ui_url(api_url, tmp_path_factory):
    proc, url = start_ui(api_url, tmp_path_factory.mktemp("ui"))
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
        # a product, not a developer's app: no "Deploy" button or developer menu, our title
        expect(pg.get_by_test_id("stAppDeployButton")).to_have_count(0)
        expect(pg.get_by_test_id("stMainMenu")).to_have_count(0)
        assert "citeqa" in pg.title()
        browser.close()


def test_reloads_and_links_keep_you_signed_in_until_you_sign_out(ui_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context()
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        sign_in(pg, ui_url, "admin", ADMIN_PASSWORD)
        pg.wait_for_function("document.cookie.includes('citeqa_session=')")
        [cookie] = [c for c in context.cookies() if c["name"] == "citeqa_session"]
        # an opaque id, not the API token (a JWT); strict same-site; it ends with the session
        assert len(cookie["value"]) >= 40 and not cookie["value"].startswith("ey")
        assert cookie["sameSite"] == "Strict" and cookie["expires"] > time.time()
        pg.reload()
        pg.get_by_text("Signed in as admin").wait_for()
        expect(pg.get_by_label("User name")).to_have_count(0)
        pg.goto(f"{ui_url}/documents")  # a link straight to a page
        pg.get_by_role("heading", name="Documents").first.wait_for()
        pg.get_by_text("Signed in as admin").wait_for()

        pg.get_by_role("button", name="Sign out").click()
        pg.get_by_label("User name").wait_for()
        pg.wait_for_function("!document.cookie.includes('citeqa_session=')")
        pg.reload()
        pg.get_by_label("User name").wait_for()
        # the old id is dead on the server too, whatever the browser still sends
        context.add_cookies([{**cookie}])
        pg.reload()
        pg.get_by_label("User name").wait_for()
        expect(pg.get_by_text("Signed in as admin")).to_have_count(0)
        browser.close()


def test_ask_a_question_and_open_its_citation(page, ui_url):
    # the streamed words are shown as an unchecked draft until the checked answer replaces them
    page.evaluate("""() => { window.draftLabels = [];
        new MutationObserver(() => document.querySelectorAll('.citeqa-draft-label')
            .forEach(e => window.draftLabels.push(e.textContent)))
        .observe(document.body, {childList: true, subtree: true}); }""")
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("What is our travel reimbursement limit?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(1)
    answer.get_by_text("2,500 euros").first.wait_for()
    answer.locator(".citeqa-answer").wait_for()
    expect(answer.locator(".citeqa-draft")).to_have_count(0)
    assert any("being checked against the sources" in label
               for label in page.evaluate("window.draftLabels"))
    expander = answer.get_by_test_id("stExpander").first
    expander.get_by_text("[1] travel_reimbursement_policy.docx").wait_for()
    assert "Reimbursement limits" in expander.inner_text()
    ref = answer.locator("a.citeqa-ref").first  # the answer's [1] links to its card
    ref.wait_for()
    target = ref.get_attribute("href")
    assert target.startswith("#cite-") and ref.inner_text() == "[1]"
    assert page.locator(target).count() == 1
    ref.click()
    assert page.evaluate("location.hash") == target
    expander.get_by_text("[1] travel_reimbursement_policy.docx").click()
    expander.get_by_text("180 euros per night").wait_for()
    # table rows shown verbatim, each value with its column's name
    expander.get_by_text("Expense: Hotel | Limit: 180 euros per night").wait_for()
    link = expander.get_by_role("link", name="Open document")
    link.wait_for()
    href = link.get_attribute("href")
    assert "/file?token=" in href
    opened = httpx.get(href)  # the browser sends no header: the link itself is the permission
    assert opened.status_code == 200 and opened.content.startswith(b"PK")
    page.wait_for_timeout(500)  # let the expander's opening animation finish for the screenshot
    page.screenshot(path=str(ARTIFACTS / "ask.png"), full_page=True)


def test_a_follow_up_uses_the_conversation_and_the_span_is_highlighted(page):
    """Runs after the question above, in the same conversation."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("And for hotels?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(3)
    answer.get_by_text("Searched for:").wait_for()
    searched = answer.get_by_text("Searched for:").inner_text()
    assert "reimbursement" in searched and "hotels" in searched
    expander = answer.get_by_test_id("stExpander").first
    expander.get_by_text("travel_reimbursement_policy.docx").click()
    mark = expander.locator("mark.citeqa-span").first
    mark.wait_for()
    assert mark.inner_text().strip()  # the supporting sentence, highlighted inside the passage


def test_thumbs_down_with_a_comment_reaches_the_feedback_list(page, http):
    """Runs after the follow-up above: rate that answer."""
    answer = page.get_by_test_id("stChatMessage").nth(3)
    answer.get_by_role("button", name="Not helpful").click()
    comment = "It should give the hotel limit per night, not the trip limit."
    answer.get_by_label("What was wrong or missing? (optional)").fill(comment)
    answer.get_by_role("button", name="Send feedback").click()
    answer.get_by_text("Thanks for your feedback.").wait_for()
    expect(answer.get_by_role("button", name="Not helpful")).to_have_count(0)
    # the click drew the page again from the conversation: what was searched stays shown
    # (it vanished, and so did "Quoted from the best-matching source…")
    expect(answer.get_by_text("Searched for:")).to_have_count(1)
    rated = [f for f in http.get("/feedback", params={"rating": "down"}).json()
             if f["comment"] == comment]
    assert len(rated) == 1 and rated[0]["question"] == "And for hotels?"
    assert "hotels" in rated[0]["search_query"] and rated[0]["citations"]
    exported = [json.loads(line) for line in http.get("/feedback/export").text.splitlines()]
    assert any(row["feedback"]["comment"] == comment for row in exported)


def test_conversations_are_kept_reopened_after_a_reload_and_deleted(page, ui_url, http):
    """Runs after the rated follow-up above: that conversation is saved under its first question."""
    [saved] = [c for c in http.get("/conversations").json()
               if c["title"] == "What is our travel reimbursement limit?"]
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator(f".st-key-open-{saved['id']} button").first.wait_for()
    sidebar.get_by_role("button", name="New conversation").click()
    expect(page.get_by_test_id("stChatMessage")).to_have_count(0)

    page.reload()  # a new Streamlit session: signed in still, the conversation on the server
    sidebar.locator(f".st-key-open-{saved['id']} button").first.click()
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(4)
    messages.nth(1).get_by_text("2,500 euros").first.wait_for()
    messages.nth(1).get_by_text("[1] travel_reimbursement_policy.docx").wait_for()
    messages.nth(3).get_by_text("Thanks for your feedback.").wait_for()  # its rating kept
    expect(messages.nth(3).get_by_text("Searched for:")).to_have_count(1)  # and what was searched

    other = http.post("/conversations", json={"title": "Parking <b>permits</b> [x](http://e.vil)"}).json()
    page.reload()
    label = sidebar.locator(f".st-key-open-{other['id']} button").first
    label.wait_for()  # the title as text: no bold, no link (a word joiner breaks "://")
    assert label.inner_text().replace("\u2060", "") == "Parking <b>permits</b> [x](http://e.vil)"
    expect(label.locator("a, b, img")).to_have_count(0)
    sidebar.locator(f".st-key-forget-{other['id']} button").first.click()
    expect(sidebar.locator(f".st-key-open-{other['id']}")).to_have_count(0)
    assert http.get(f"/conversations/{other['id']}").status_code == 404
    page.screenshot(path=str(ARTIFACTS / "conversations.png"), full_page=True)


def choose_language(page, name: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Language / 語言").click()
    page.get_by_role("option", name=name).click()


def test_the_interface_switches_to_chinese_and_stays_after_a_reload(page):
    choose_language(page, "简体中文")  # mainland wording, not only other characters
    page.get_by_role("heading", name="向文档提问").wait_for()
    page.get_by_test_id("stSidebar").get_by_role("button", name="新对话").wait_for()
    page.get_by_role("button", name="退出登录").wait_for()
    page.screenshot(path=str(ARTIFACTS / "ask-zh-cn.png"), full_page=True)
    choose_language(page, "繁體中文")
    page.get_by_role("heading", name="向文件提問").wait_for()
    page.get_by_test_id("stSidebar").get_by_role("button", name="新對話").wait_for()
    page.get_by_role("button", name="登出").wait_for()
    page.reload()  # the choice is kept in a cookie
    page.get_by_role("heading", name="向文件提問").wait_for()
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_attribute(
        "placeholder", "請輸入問題，例如：差旅費報銷上限是多少？")
    page.screenshot(path=str(ARTIFACTS / "ask-zh-tw.png"), full_page=True)
    choose_language(page, "English")
    page.get_by_role("heading", name="Ask your documents").wait_for()


def ask(page, question: str) -> None:
    """Type and send a question; again if a rerun (a language switch's cookie write) ate it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_test_id("stChatInputTextArea")
    # a rerun may still show the page before it (a language switch's input, in the other
    # language) beside the new one for a moment
    expect(box).to_have_count(1)
    for _ in range(3):
        box.fill(question)
        box.press("Enter")
        try:
            page.get_by_test_id("stChatMessage").filter(has_text=question).last.wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the question was not sent: {question}")


def answered(message) -> None:
    """Wait for the checked answer (its feedback buttons come last); the model may be slow on a
    busy machine (the whole suite shares 2 cores)."""
    message.get_by_role("button", name="Helpful", exact=True).wait_for(timeout=240_000)


def test_a_pdf_citation_shows_its_whole_page_with_the_span_marked(page):
    ask(page, "How many days of paid annual leave do employees get?")
    answer = page.get_by_test_id("stChatMessage").last
    answered(answer)
    card = answer.get_by_test_id("stExpander").filter(has_text="employee_handbook.pdf").first
    card.wait_for()
    card.get_by_text("employee_handbook.pdf").first.click()
    image = card.get_by_test_id("stImage").locator("img")
    toggle = card.locator("input[type=checkbox]").first
    for attempt in range(3):
        # a click that lands while Streamlit reruns the page after expanding the card is lost
        if not toggle.is_checked():
            card.get_by_text("Show the whole page").click()
        try:
            image.wait_for(timeout=20_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    page.wait_for_function("img => img.complete && img.naturalWidth > 500", arg=image.element_handle())
    card.get_by_text("page 3").last.wait_for()  # the image's caption: the cited page
    page.screenshot(path=str(ARTIFACTS / "whole-page.png"), full_page=True)


def test_a_refusal_shows_the_closest_passages_as_related_never_as_citations(page):
    """The documents say nothing of a penalty for a late expense report: the answer says so,
    and what the search found is shown as related passages, with no [n] linking to them."""
    ask(page, "What is the penalty for a late expense report?")
    answer = page.get_by_test_id("stChatMessage").last
    answered(answer)
    answer.get_by_text("The documents do not cover this question.").wait_for()
    answer.get_by_text("Related passages (the search found them, but they do not answer it):"
                       ).wait_for()
    cards = answer.get_by_test_id("stExpander")
    expect(cards.first).to_contain_text("Related ")
    expect(answer.locator("a.citeqa-ref")).to_have_count(0)
    expect(cards.filter(has_text="[1] ")).to_have_count(0)
    passage = cards.first.locator(".citeqa-passage")
    for attempt in range(3):  # a click that lands while Streamlit reruns the page is lost
        if not passage.is_visible():
            cards.first.get_by_text("Related ").first.click()
        try:
            expect(passage).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    page.wait_for_timeout(500)  # let the card's opening animation finish for the screenshot
    page.screenshot(path=str(ARTIFACTS / "related.png"), full_page=True)


def test_the_dashboard_shows_questions_and_thumbs_down(page):
    """Runs after the thumbs down above."""
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_text("Questions per day").wait_for()
    questions = int(page.get_by_test_id("stMetricValue").first.inner_text())
    assert questions >= 2  # the question and its follow-up, at least
    page.get_by_text("And for hotels? (admin)").wait_for()  # the thumbs-down list
    expect(page.get_by_role("button", name="Download thumbs-down answers as a test file "
                                           "(citeqa eval --qa)")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.get_by_role("link", name="Ask").click()
    page.get_by_test_id("stChatInputTextArea").wait_for()



def _choose(page, label: str, option: str, until=None) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``. A rerun still drawing
    the page closes an open list, so the list is opened again until the option is taken and,
    when ``until`` (a locator) is given, until what the choice draws is on the page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(6):
        page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5000)
            if until is not None:
                until.first.wait_for(timeout=10000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")  # an open list would hide the selectbox from the next click
            continue
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def test_manage_a_user_and_a_key(page, http):
    page.get_by_role("link", name="Users and keys").click()
    page.get_by_role("heading", name="Users and keys").wait_for()
    add = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add user"))
    add.get_by_label("Name").fill("frank")
    add.get_by_label("Groups").fill("hr")
    add.get_by_role("textbox", name="Password (at least 8 characters; empty: API keys only)").fill(
        "frank-pass-123")
    add.get_by_role("button", name="Add user").click()
    page.get_by_text("Added frank.").wait_for()
    frank = next(u for u in http.get("/users").json() if u["name"] == "frank")
    assert frank["role"] == "member" and frank["groups"] == ["hr"] and frank["has_password"]

    page.get_by_test_id("stButtonGroup").get_by_text("Change a user", exact=True).click()
    page.get_by_role("button", name="Save changes").wait_for()  # the section has been drawn
    change = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save changes"))
    # frank's form, not the last user's: a rerun still drawing can keep the previous form on the
    # page beside it, or swallow the choice, so the choice is made again until his form is shown
    _choose(page, "User", "frank", until=change.locator("input[aria-label='Groups'][value='hr']"))
    expect(change.get_by_label("Groups")).to_have_count(1)
    expect(change.get_by_label("Groups")).to_have_value("hr")
    change.get_by_label("Groups").fill("hr, finance")
    change.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved frank.").wait_for()
    frank = next(u for u in http.get("/users").json() if u["name"] == "frank")
    assert frank["groups"] == ["finance", "hr"]

    page.get_by_test_id("stButtonGroup").get_by_text("API keys", exact=True).click()
    page.get_by_role("button", name="Create key").wait_for()  # the section has been drawn
    _choose(page, "User", "frank")
    page.get_by_text("frank has no API keys yet.").wait_for()  # the rerun for frank is done
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Create key"))
    form.get_by_label("Label").fill("intranet script")
    form.get_by_role("button", name="Create key").click()
    page.get_by_text("it is shown only once").wait_for()
    shown = page.get_by_test_id("stCode").inner_text().strip()
    assert shown.startswith("cq_")
    assert httpx.get(f"{http.base_url}/auth/me",
                     headers={"Authorization": f"Bearer {shown}"}).json()["name"] == "frank"
    # the page stays on frank's keys after the rerun
    page.get_by_test_id("stSelectbox").filter(has_text="Key to revoke").wait_for()
    page.get_by_role("button", name="Revoke key").click()
    page.get_by_text("Revoked key").wait_for()
    assert [k["revoked"] for k in http.get("/users/frank/keys").json()] == [True]
    assert httpx.get(f"{http.base_url}/auth/me",
                     headers={"Authorization": f"Bearer {shown}"}).status_code == 401
    page.screenshot(path=str(ARTIFACTS / "users.png"), full_page=True)


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
    rows = page.get_by_test_id("stHorizontalBlock").filter(has=page.get_by_test_id("stCheckbox"))
    # searchable: only the matching document is listed
    page.get_by_label("Search by name, group or uploader").fill("bike")
    page.get_by_label("Search by name, group or uploader").press("Enter")
    expect(rows.filter(has_text="employee_handbook.pdf")).to_have_count(0)
    expect(rows.filter(has_text="bike_policy.md")).to_have_count(1)
    # re-index the selected document: each file's stage, then its result
    row.get_by_test_id("stCheckbox").click()
    page.get_by_text("1 selected").wait_for()
    page.get_by_role("button", name="Re-index").click()
    page.get_by_text("bike_policy.md: replaced").wait_for()
    page.get_by_label("Search by name, group or uploader").fill("")
    page.get_by_label("Search by name, group or uploader").press("Enter")
    expect(rows.filter(has_text="employee_handbook.pdf")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "documents.png"), full_page=True)
    row.get_by_role("button", name="Delete").click()
    page.get_by_text("Deleted bike_policy.md").wait_for()
    expect(page.get_by_test_id("stHorizontalBlock").filter(has_text="bike_policy.md")).to_have_count(0)
    expect(page.get_by_test_id("stHorizontalBlock").filter(has_text="employee_handbook.pdf")).to_have_count(1)


def chosen(page, path) -> None:
    """Give the uploader a file; again if a rerun replaced the input before Streamlit took it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        page.locator("input[type=file]").set_input_files(str(path))
        try:
            page.get_by_test_id("stFileUploader").get_by_text(path.name).wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the uploader did not take {path.name}")


def test_a_scanned_pdf_is_uploaded_read_by_ocr_and_found(page, tmp_path):
    from tests.integration.test_ocr import text_then_scan_pdf

    scan = tmp_path / "inspection.pdf"
    scan.write_bytes(text_then_scan_pdf())  # page 2 is only a picture of a page
    page.get_by_role("link", name="Ask").click()  # leave the page the last test changed
    page.get_by_role("heading", name="Ask your documents").wait_for()
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("heading", name="Documents").first.wait_for()
    chosen(page, scan)
    page.get_by_role("button", name="Upload and index").click()
    page.get_by_text("inspection.pdf: ingested").wait_for(timeout=300_000)
    page.get_by_text("page(s) 2 read by OCR").wait_for()
    page.get_by_role("link", name="Ask").click()
    ask(page, "Which supplier sells the replacement hinges for the fire door?")
    answer = page.get_by_test_id("stChatMessage").last
    answered(answer)
    # cited, or listed as related if the model's answer is refused: either way the scanned page
    card = answer.get_by_test_id("stExpander").filter(has_text="inspection.pdf — page 2").first
    card.wait_for()
    card.get_by_text("inspection.pdf — page 2").click()
    card.get_by_text("Brandwacht").first.wait_for()


HOSTILE_NAME = "gym ![i](http:x.png) [claim](https:evil.example).md"


def test_document_markup_is_shown_as_text_never_as_images_or_links(page, ui_url, http, api_url):
    """Review item 6: a heading with an image and a link made every asker's browser fetch the
    pixel and showed a phishing link in the citation card; file names and headings went into
    labels unescaped. Now every document-derived string is shown as the characters it is."""
    pixel, phish = f"{api_url}/pixel.png", f"{api_url}/phish"
    text = (f"# Gym ![g]({pixel}) benefit [Login to claim]({phish})\n\n"
            f"The gym benefit pays 30 euros a month towards a gym membership. "
            f"![p]({pixel}?2) Claims go to www.evil.example/claim or <{phish}?3>.")
    job = wait_job(http, http.post("/documents", files=[("files", (HOSTILE_NAME, text.encode()))]
                                   ).json()["job_id"])
    assert job["files"][0]["status"] == "ingested", job
    requests: list[str] = []

    def record(request) -> None:
        requests.append(request.url)

    page.on("request", record)
    try:
        page.get_by_role("link", name="Ask").click()  # a reload would sign out (issue 12)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("How much does the gym benefit pay?")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").last
        card = answer.get_by_test_id("stExpander").filter(has_text="gym").first
        card.wait_for()
        label = card.inner_text().replace("\u2060", "")  # word joiners: invisible
        assert HOSTILE_NAME in label and f"Gym ![g]({pixel}) benefit" in label
        card.get_by_text(HOSTILE_NAME).click()
        card.get_by_text("pays 30 euros a month").wait_for()
        assert f"![p]({pixel}?2)" in card.inner_text()  # shown, not rendered
        page.wait_for_timeout(1000)
        hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
        srcs = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
        assert not [h for h in hrefs if "phish" in h or "evil" in h or "claim" in h], hrefs
        assert not [s for s in srcs if "pixel" in s or s.startswith("http:x")], srcs
        assert not [u for u in requests if "pixel" in u or "phish" in u or "evil" in u], requests
        page.screenshot(path=str(ARTIFACTS / "hostile-markup.png"), full_page=True)
    finally:
        page.remove_listener("request", record)
        for d in http.get("/documents").json()["documents"]:
            if d["filename"] == HOSTILE_NAME:
                http.delete(f"/documents/{d['id']}")


def test_a_quoted_definition_says_it_is_the_documents_definition(page, http):
    """"What is a dual-status tax year?" quotes the passage's definition, whatever the model
    writes; the note under it said "the model's own answer could not be verified", which was
    not why."""
    text = ("# Sabbaticals\n\nA sabbatical is a paid leave of six months that staff may take "
            "after seven years of service. Requests go to the head of department at least three "
            "months ahead.")
    job = wait_job(http, http.post("/documents", files=[("files", ("sabbaticals.md", text.encode()))]
                                   ).json()["job_id"])
    assert job["files"][0]["status"] == "ingested", job
    try:
        page.get_by_role("link", name="Ask").click()
        page.get_by_role("heading", name="Ask your documents").wait_for()
        ask(page, "What is a sabbatical?")
        message = page.get_by_test_id("stChatMessage").last
        answered(message)
        assert "paid leave of six months" in message.locator(".citeqa-answer").inner_text()
        message.get_by_text("the documents' own definition of the term").wait_for()
        expect(message.get_by_text("could not be verified")).to_have_count(0)
        message.get_by_text("[1] sabbaticals.md").wait_for()
    finally:
        for d in http.get("/documents").json()["documents"]:
            if d["filename"] == "sabbaticals.md":
                http.delete(f"/documents/{d['id']}")


def test_closing_the_tab_mid_answer_frees_the_model(page, server_data_dir, tmp_path_factory):
    """Review item 2, the UI side: a tab closed while an answer streams must not keep the
    model. One place on the model (queue 0): it must be free again within seconds."""
    import shutil

    data_dir = tmp_path_factory.mktemp("ui-queue")
    shutil.copytree(server_data_dir, data_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("server-*.log", "uploads"))
    key = new_key(data_dir, "admin")
    api, api_url = start_server(data_dir, CITEQA_LLM_QUEUE="0", CITEQA_RATE_LIMIT="100000/minute")
    ui, url = start_ui(api_url, data_dir)
    try:
        context = page.context.browser.new_context()  # a tab of its own, in the running browser
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        sign_in(pg, url, "admin", ADMIN_PASSWORD)
        box = pg.get_by_test_id("stChatInputTextArea")
        box.fill("What does the handbook say about annual leave, parental leave, remote work, "
                 "travel limits, hotels, mileage and every other benefit employees have?")
        box.press("Enter")
        pg.get_by_test_id("stChatMessage").nth(1).wait_for()  # the answer has started
        context.close()
        started = time.monotonic()
        with httpx.Client(base_url=api_url, timeout=60,
                          headers={"Authorization": f"Bearer {key}"}) as c:
            while True:
                with c.stream("POST", "/query/stream", json={"question": "Hotel limit?"}) as r:
                    if r.status_code == 200:
                        break
                    assert r.status_code == 503
                assert time.monotonic() - started < 20, "the closed tab kept the model"
                time.sleep(0.2)
    finally:
        stop(ui)
        stop(api)


def test_without_a_model_the_ui_says_answers_are_quotes(page, server_data_dir, tmp_path_factory):
    """CITEQA_ANSWER_MODE=quote: the answer is the source sentence, and the note under it says
    no model writes answers (not that the model's own answer failed its check)."""
    import shutil

    data_dir = tmp_path_factory.mktemp("ui-quote")
    shutil.copytree(server_data_dir, data_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("server-*.log", "uploads"))
    api, api_url = start_server(data_dir, CITEQA_ANSWER_MODE="quote",
                                CITEQA_RATE_LIMIT="100000/minute")
    ui, url = start_ui(api_url, data_dir)
    try:
        context = page.context.browser.new_context()
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        sign_in(pg, url, "admin", ADMIN_PASSWORD)
        ask(pg, "What is the hotel limit per night?")
        message = pg.get_by_test_id("stChatMessage").nth(1)
        answered(message)
        assert "180" in message.locator(".citeqa-answer").inner_text()
        message.get_by_text("no language model writes them").wait_for()
        expect(message.get_by_text("could not be verified")).to_have_count(0)
        message.get_by_text("[1] travel_reimbursement_policy.docx").wait_for()
        # reopened in a new session, the saved turn (which carries no model name) says the same
        pg.reload()
        sidebar = pg.get_by_test_id("stSidebar")
        sidebar.get_by_role("button", name="What is the hotel limit per night?").first.click()
        message = pg.get_by_test_id("stChatMessage").nth(1)
        message.get_by_text("no language model writes them").wait_for()
        expect(message.get_by_text("could not be verified")).to_have_count(0)
        context.close()
    finally:
        stop(ui)
        stop(api)
