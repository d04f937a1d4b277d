"""The ``citeqa`` command: ingest, serve, ui, up, documents, delete, users, keys, eval."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="citeqa: answers from your documents, with citations.", no_args_is_help=True)
console = Console(stderr=True)

FRONTEND = Path(__file__).resolve().parent.parent / "frontend" / "app.py"


def _container():
    from backend.container import Container
    from backend.settings import get_settings

    return Container(get_settings())


def _fail(message: object, code: int = 1) -> NoReturn:
    """Print ``message`` in red on stderr and exit with ``code``."""
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
           groups: Annotated[str | None, typer.Option(
               help="Comma-separated groups that may see these documents; empty = public. "
                    "Without it, new documents are public and known ones keep their groups.")] = None
           ) -> None:
    """Ingest files and folders (PDF, DOCX, TXT, Markdown) into the configured data dir."""
    from backend.access import parse_groups
    from backend.settings import get_settings
    from ingest.pipeline import expand_paths

    try:
        access = parse_groups(groups) if groups is not None else None
    except ValueError as exc:
        _fail(exc, 2)
    files = expand_paths(paths)
    if not files:
        console.print("[red]no supported files found[/red] (PDF, DOCX, TXT, MD)")
        raise typer.Exit(1)
    with console.status("loading the embedding model and indexes"):
        ingestor = _container().ingestor
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    # a running server or worker may be writing the index files: wait, then start from theirs
    waiting = "waiting for an upload or `citeqa worker` job to finish writing the index…"
    with ingestor.kb.writing(on_wait=lambda: console.print(waiting)), \
            Progress(*columns, console=console, transient=True) as progress:
        ingestor.kb.refresh_if_changed()
        task = progress.add_task("ingesting", total=len(files))

        def advance(result) -> None:
            progress.update(task, advance=1, description=result.filename[:40])

        summary = ingestor.ingest_paths(files, on_file=advance, access=access,
                                        max_chunks=get_settings().max_job_chunks)
    _print_summary(summary)
    if summary.results and summary.count("failed") == len(summary.results):
        raise typer.Exit(1)


def _print_summary(summary) -> None:
    table = Table(title="ingest summary")
    for col in ("file", "status", "pages", "chunks", "detail"):
        table.add_column(col)
    for r in summary.results:
        style = {"failed": "red", "unchanged": "dim"}.get(r.status, "green")
        table.add_row(r.filename, f"[{style}]{r.status}[/{style}]", str(r.pages or "-"),
                      str(r.chunks or "-"), r.error or r.note or "")
    console.print(table)
    console.print(
        f"files: {len(summary.results)}  new/changed: {summary.count('ingested', 'replaced')}  "
        f"unchanged: {summary.count('unchanged')}  skipped: {summary.count('failed')}  "
        f"pages: {summary.pages}  chunks: {summary.chunks}  seconds: {summary.seconds:.1f}",
        soft_wrap=True,  # one line, whatever the terminal width: scripts read it
    )


@app.command("eval")
def eval_(
    beir: Annotated[Path | None, typer.Option(help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/")] = None,
    qa: Annotated[Path | None, typer.Option(help="JSONL of {question, answers, documents} (live store)")] = None,
    split: Annotated[str, typer.Option(help="qrels split to score (tune on train, report test)")] = "test",
    modes: Annotated[str, typer.Option(help="comma-separated retrieval modes")] = "bm25,dense,hybrid,hybrid+rerank",
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="also write the results here (--qa: each question's outcome too)")] = None,
    cache: Annotated[Path | None, typer.Option(help="embedding cache folder (BEIR)")] = Path("data/cache"),
    k: Annotated[int, typer.Option(help="hit@k for --qa")] = 5,
    limit: Annotated[int | None, typer.Option(help="BEIR: only the first N queries (quick runs)")] = None,
    generate: Annotated[bool, typer.Option(
        help="--qa: also answer through the LLM: accuracy, citation precision, refusals, TTFT")] = False,
) -> None:
    """Measure retrieval quality: a BEIR benchmark in a temporary store, or a QA file."""
    import json

    from backend.settings import get_settings

    if (beir is None) == (qa is None):
        console.print("[red]give exactly one of --beir DIR or --qa FILE[/red]")
        raise typer.Exit(2)
    columns = (TextColumn("{task.description:>14}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        if beir is not None:
            from backend.evaluation.beir import load_beir
            from backend.evaluation.runner import run_beir

            dataset = load_beir(beir, split, limit)
            report = run_beir(dataset, get_settings(), [m.strip() for m in modes.split(",")],
                              cache_dir=cache, progress=progress)
        else:
            from backend.evaluation.qa import load_qa, run_qa

            report = run_qa(_container(), load_qa(qa), k=k, generate=generate, progress=progress)
    _print_eval(report)
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def _print_eval(report: dict) -> None:
    out = Console()
    if "modes" in report:
        table = Table(title=f"{report['dataset']} ({report['split']}, {report['corpus']['queries']} "
                            f"queries, {report['corpus']['documents']} documents, "
                            f"{report['corpus']['chunks']} chunks)")
        table.add_column("mode")
        for metric in ("ndcg@10", "recall@10", "recall@100", "mrr@10"):
            table.add_column(metric, justify="right")
        table.add_column("seconds", justify="right")
        for mode, m in report["modes"].items():
            table.add_row(mode, *(f"{m[x]:.4f}" for x in ("ndcg@10", "recall@10", "recall@100", "mrr@10")),
                          str(report["seconds"].get(mode, "")))
        out.print(table)
        out.print(f"seconds: {report['seconds']}  settings: {report['settings']}", soft_wrap=True)
    else:
        table = Table(title=f"QA (k={report['k']})")
        keys = list(dict.fromkeys(key for g in report["groups"].values() for key in g))
        table.add_column("metric")
        for name in report["groups"]:
            table.add_column(name, justify="right")
        for key in keys:
            table.add_row(key, *(str(g.get(key, "")) for g in report["groups"].values()))
        out.print(table)
        if report.get("skipped_needs_review"):
            out.print(f"skipped {report['skipped_needs_review']} row(s) marked needs_review: "
                      "fill in their answers (or set unanswerable) and remove the mark")


@app.command()
def documents() -> None:
    """List the ingested documents."""
    table = Table()
    for col in ("id", "filename", "type", "pages", "chunks", "status", "access"):
        table.add_column(col)
    for d, n in _container().store.list_documents():
        table.add_row(str(d.id), d.filename, d.doc_type, str(d.pages or "-"), str(n), d.status,
                      ", ".join(d.access or []))
    Console().print(table)


@app.command()
def delete(document_id: int) -> None:
    """Delete a document from the store and both indexes (and its uploaded copy)."""
    c = _container()
    doc = c.store.get_document(document_id)
    if doc is None or not c.knowledge_base.delete_document(document_id):
        _fail(f"no document {document_id}")
    c.files.discard(doc.source_path)
    console.print(f"deleted document {document_id}")


users_app = typer.Typer(help="Accounts: users with a role (admin or member) and groups.",
                        no_args_is_help=True)
keys_app = typer.Typer(help="API keys for integrators, bound to a user.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")


def _read_password(password: str | None) -> str | None:
    """--password, else a hidden prompt (twice) on a terminal, else one line of stdin."""
    if password is not None:
        return password or None
    if sys.stdin.isatty():
        return typer.prompt("password (empty: API keys only)", default="", hide_input=True,
                            confirmation_prompt=True, show_default=False) or None
    return sys.stdin.readline().rstrip("\n") or None


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[str, typer.Option(help="admin or member")] = "member",
    groups: Annotated[str, typer.Option(help="comma-separated, e.g. hr,finance")] = "",
    password: Annotated[str | None, typer.Option(help="else prompted, or read from stdin")] = None,
) -> None:
    """Create a user."""
    from backend.auth import AuthError

    try:
        user = _container().accounts.add_user(name, role, groups, _read_password(password))
    except (AuthError, ValueError) as exc:
        _fail(exc)
    console.print(f"user {user.name}: {user.role}, groups: {', '.join(user.groups) or '-'}")


@users_app.command("list")
def users_list() -> None:
    table = Table("name", "role", "groups", "password")
    for u in _container().store.list_users():
        table.add_row(u.name, u.role, ", ".join(u.groups or []) or "-", "yes" if u.password_hash else "no")
    Console().print(table)


@users_app.command("set")
def users_set(
    name: str,
    role: Annotated[str | None, typer.Option(help="admin or member")] = None,
    groups: Annotated[str | None, typer.Option(help="replaces the user's groups")] = None,
    password: Annotated[bool, typer.Option("--password", help="set a new password")] = False,
) -> None:
    """Change a user's role, groups or password."""
    from backend.auth import AuthError

    try:
        _container().accounts.update_user(name, role, groups, _read_password(None) if password else None)
    except (AuthError, LookupError, ValueError) as exc:
        _fail(exc)
    console.print(f"user {name} updated")


@users_app.command("remove")
def users_remove(name: str) -> None:
    """Delete a user and their API keys (never the last admin)."""
    from backend.auth import AuthError

    try:
        _container().accounts.delete_user(name)
    except (LookupError, AuthError) as exc:
        _fail(exc)
    console.print(f"user {name} removed")


@users_app.command("ensure-admin")
def users_ensure_admin() -> None:
    """If there are no users yet, create user admin with CITEQA_ADMIN_PASSWORD (else a random
    password, printed once and kept owner-readable in the data dir)."""
    from backend.settings import get_settings

    s = get_settings()
    password = ensure_demo_admin(_container(), s.admin_password)
    if password and not s.admin_password:
        console.print(f"created user admin with password {password} "
                      f"(also in {s.data_dir / 'admin-password.txt'})")
    elif password:
        console.print("created user admin with CITEQA_ADMIN_PASSWORD")


@keys_app.command("add")
def keys_add(name: Annotated[str, typer.Argument(help="the user the key acts as")],
             label: Annotated[str, typer.Option(help="what the key is for")] = "") -> None:
    """Create an API key for user NAME. The key is printed once, alone on the last line."""
    try:
        key, row = _container().accounts.add_key(name, label)
    except LookupError as exc:
        _fail(exc)
    console.print(f"API key {row.id} for {name} (store it now: it is not shown again):")
    print(key)


@keys_app.command("list")
def keys_list(name: Annotated[str | None, typer.Argument(help="only this user's keys")] = None) -> None:
    c = _container()
    users = {u.id: u.name for u in c.store.list_users()}
    user = c.store.get_user(name=name) if name else None
    table = Table("id", "user", "label", "prefix", "created", "revoked")
    for k in c.store.list_keys(user.id if user else None):
        table.add_row(str(k.id), users.get(k.user_id, "?"), k.label, k.prefix,
                      f"{k.created_at:%Y-%m-%d %H:%M}", "yes" if k.revoked_at else "")
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: int) -> None:
    if _container().store.revoke_key(key_id) is None:
        _fail(f"no API key {key_id}")
    console.print(f"API key {key_id} revoked")


def ensure_demo_admin(c, password: str | None) -> str | None:
    """First start of the demo: create user admin with the given or a random password; return
    the password to show, or None when users exist already. Never a fixed default password."""
    import secrets

    from backend.auth import write_owner_only

    if c.store.count_users():
        return None
    chosen = bool(password)  # the operator's own password is not written anywhere
    password = password or secrets.token_urlsafe(12)
    c.accounts.add_user("admin", "admin", [], password)
    if not chosen:
        write_owner_only(c.settings.data_dir / "admin-password.txt", password + "\n")
    return password


@app.command()
def serve(host: str | None = None, port: int | None = None) -> None:
    """Start the HTTP API (backend.main:app)."""
    import uvicorn

    from backend.settings import get_settings

    s = get_settings()
    uvicorn.run("backend.main:app", host=host or s.host, port=port or s.port, log_level="info")


@app.command()
def worker(
    until_empty: Annotated[bool, typer.Option(help="exit once the queue is empty")] = False,
    poll: Annotated[float, typer.Option(help="seconds between looks at an empty queue")] = 1.0,
) -> None:
    """Run queued upload jobs (for servers started with CITEQA_INGEST_IN_SERVER=false).

    Run as many as you like, on any host that shares the data dir and the database."""
    import signal
    import threading

    from backend.jobs import JobRunner, Worker

    c = _container()
    s = c.settings
    runner = JobRunner(c.store, lambda: c.ingestor, c.files, s.max_job_chunks,
                       in_process=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # finish the current job, then exit
    s.data_dir.mkdir(parents=True, exist_ok=True)
    done = Worker(c.store, runner).run(poll, stop, until_empty)
    console.print(f"jobs run: {done}")


@app.command()
def ui(port: int | None = None) -> None:
    """Start the Streamlit web UI (it talks to the API at CITEQA_API_URL)."""
    from backend.settings import get_settings

    s = get_settings()
    os.execvp(sys.executable, _streamlit_cmd(port or s.ui_port, s.host))


def _streamlit_cmd(port: int, host: str) -> list[str]:
    from backend.settings import get_settings

    upload_mb = max(1, get_settings().max_upload_bytes // 2**20)  # the browser says the API's limit
    return [sys.executable, "-m", "streamlit", "run", str(FRONTEND), "--server.port", str(port),
            "--server.address", host, "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.maxUploadSize", str(upload_mb),
            # no developer menu ("Deploy", rerun, settings) for employees
            "--client.toolbarMode", "minimal"]


@app.command()
def up(samples: Annotated[Path, typer.Option(help="Folder to ingest first.")] = Path("data/samples")) -> None:
    """Ingest the sample documents, then run the API and the UI until Ctrl-C."""
    import httpx

    from backend.settings import get_settings

    def stop_on_sigterm(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_sigterm)  # supervisors stop us with SIGTERM, not Ctrl-C
    s = get_settings()
    if samples.exists():
        ingest([samples], groups=None)
    new_password = ensure_demo_admin(_container(), s.admin_password)
    api_url = f"http://{s.host}:{s.port}"
    env = {**os.environ, "CITEQA_API_URL": os.environ.get("CITEQA_API_URL", api_url)}
    procs = [subprocess.Popen([sys.executable, "-m", "backend.cli", "serve"], env=env)]
    try:
        with console.status("starting the API (loading models)"):
            deadline = time.time() + 180
            while True:
                if procs[0].poll() is not None:
                    raise typer.Exit(1)
                try:
                    if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.time() > deadline:
                    console.print("[red]the API did not start within 180 s[/red]")
                    raise typer.Exit(1)
                time.sleep(0.5)
        procs.append(subprocess.Popen(_streamlit_cmd(s.ui_port, s.host), env=env))
        console.print(f"\n[bold green]citeqa is running[/bold green]\n"
                      f"  web UI : http://{s.host}:{s.ui_port}\n  API    : {api_url}/docs\n"
                      "  stop   : Ctrl-C\n")
        login = s.data_dir / "admin-password.txt"
        if new_password and s.admin_password:
            console.print("  sign in: user [bold]admin[/bold], password from CITEQA_ADMIN_PASSWORD\n")
        elif new_password:
            console.print(f"  sign in: user [bold]admin[/bold], password [bold]{new_password}[/bold]"
                          f" (kept in {login}; change it with `citeqa users set admin --password`)\n",
                          soft_wrap=True)  # one line: the password must not be split
        elif login.exists():
            console.print(f"  sign in: user admin, password in {login}\n")
        while all(p.poll() is None for p in procs):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    app()
