"""docker-compose.yml and the Dockerfile agree with the settings (no Docker engine runs here)."""

import re

import yaml

from backend.settings import Settings
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
FIELDS = set(Settings.model_fields)


CITEQA_SERVICES = [n for n, s in COMPOSE["services"].items() if s.get("image") == "citeqa:latest"]
SCALE = {n for n, s in COMPOSE["services"].items() if "scale" in s.get("profiles", [])}


def env(service: str) -> dict:
    return COMPOSE["services"][service].get("environment", {})


def test_services_and_volume():
    one_box = {n for n, s in COMPOSE["services"].items() if not s.get("profiles")}
    assert one_box == {"backend", "frontend"}  # `docker compose up`, as before
    assert SCALE == {"postgres", "redis", "minio", "llm", "api", "worker", "ui-scale"}
    assert {"citeqa-data", "postgres-data", "minio-data"} <= set(COMPOSE["volumes"])
    assert COMPOSE["services"]["frontend"]["depends_on"]["backend"]["condition"] == "service_healthy"


def test_the_scale_profile_wires_replicas_to_the_shared_engines():
    api, worker = env("api"), env("worker")
    assert COMPOSE["services"]["api"]["deploy"]["replicas"] == 2
    for e in (api, worker):  # the same database, counters, model server and data volume
        assert e["CITEQA_DATABASE_URL"].startswith("postgresql+psycopg://citeqa:")
        assert "@postgres:5432/citeqa" in e["CITEQA_DATABASE_URL"]
        assert e["CITEQA_LIMITS_STORAGE_URL"] == "redis://redis:6379/0"
        assert e["CITEQA_LLM_URL"] == "http://llm:8080/v1" and "--port" in COMPOSE["services"]["llm"]["command"]
        assert e["CITEQA_INGEST_IN_SERVER"] == "false"
        assert e["CITEQA_SEARCH_ENGINE"] == "pgvector"  # in that database, which needs the extension
        assert e["CITEQA_FILES_URL"].startswith("s3://") and e["CITEQA_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert e["AWS_ACCESS_KEY_ID"] == COMPOSE["services"]["minio"]["environment"]["MINIO_ROOT_USER"]
    assert COMPOSE["services"]["postgres"]["image"].startswith("pgvector/pgvector:")
    assert "citeqa worker" in " ".join(COMPOSE["services"]["worker"]["command"])
    assert "citeqa-data:/data" in COMPOSE["services"]["api"]["volumes"] == COMPOSE["services"]["worker"]["volumes"]
    assert env("ui-scale")["CITEQA_API_URL"] == "http://api:8000"
    assert set(COMPOSE["services"]["api"]["depends_on"]) == {"postgres", "redis", "minio", "llm"}
    # the image carries what the scale services run: PostgreSQL's driver, pgvector, the LLM
    # server, boto3
    assert "install.sh postgres,pgvector,llm-server,s3" in DOCKERFILE


def test_every_citeqa_variable_is_a_setting_or_a_frontend_variable():
    for service in CITEQA_SERVICES:
        for key in env(service):
            if key.startswith("AWS_"):  # boto3's own: the object store's credentials and region
                assert key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"), key
                continue
            assert key.startswith("CITEQA_")
            name = key.removeprefix("CITEQA_").lower()
            assert name in FIELDS or key in ("CITEQA_API_URL", "CITEQA_PUBLIC_API_URL"), key


def test_ports_match_the_settings():
    backend_port = int(env("backend")["CITEQA_PORT"])
    ui_port = int(env("frontend")["CITEQA_UI_PORT"])
    assert (backend_port, ui_port) == (Settings().port, Settings().ui_port)
    assert f"{backend_port}:{backend_port}" in COMPOSE["services"]["backend"]["ports"]
    assert f"{ui_port}:{ui_port}" in COMPOSE["services"]["frontend"]["ports"]
    assert env("frontend")["CITEQA_API_URL"] == f"http://backend:{backend_port}"
    assert re.search(rf"EXPOSE .*\b{backend_port}\b.*\b{ui_port}\b", DOCKERFILE)
    assert "0.0.0.0" == env("backend")["CITEQA_HOST"] == env("frontend")["CITEQA_HOST"]


def test_data_volume_is_mounted_at_the_data_dir():
    data_dir = env("backend")["CITEQA_DATA_DIR"]
    assert f"citeqa-data:{data_dir}" in COMPOSE["services"]["backend"]["volumes"]
    assert f"CITEQA_DATA_DIR={data_dir}" in DOCKERFILE


def test_the_model_path_is_where_the_image_puts_the_model():
    model = env("backend")["CITEQA_LLM_MODEL_PATH"]
    assert model.startswith("/opt/models/") and "mv data/models /opt/models" in DOCKERFILE
    assert model.endswith(Settings().llm_model_path.name)


def test_the_image_builds_llama_cpp_for_any_avx2_cpu_not_only_the_build_host():
    """install.sh compiles llama.cpp with -march=native: an image built on an AVX-512 host
    would stop with an illegal instruction on a CPU without it."""
    joined = DOCKERFILE.replace("\\\n", " ")
    install = next(run for run in re.findall(r"^RUN (.*)$", joined, re.MULTILINE)
                   if "scripts/install.sh" in run)
    assert 'CMAKE_ARGS="$LLAMA_CMAKE_ARGS"' in install, install
    args = re.search(r'^ARG LLAMA_CMAKE_ARGS="([^"]*)"', joined, re.MULTILINE)
    assert args and joined.index(args.group(0)) < joined.index(install)
    assert "-DGGML_NATIVE=OFF" in args.group(1) and "-DGGML_AVX2=ON" in args.group(1)
    assert "AVX512" not in args.group(1) and "AMX" not in args.group(1)
    # the cached wheel is keyed on CMAKE_ARGS, so a native build is never taken for it
    assert "CMAKE_ARGS" in (ROOT / "scripts" / "install.sh").read_text()
