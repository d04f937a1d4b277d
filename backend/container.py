"""The one place that names concrete backends. Heavy models load on first use."""

from __future__ import annotations

from functools import cached_property

from backend.settings import Settings
from backend.storage import Store, create_store


class Container:
    def __init__(self, settings: Settings, **overrides) -> None:
        """``overrides`` replace components by name (e.g. ``embedder=...`` in tests)."""
        self.settings = settings
        for name, component in overrides.items():
            if not isinstance(getattr(type(self), name, None), cached_property):
                raise TypeError(f"Container has no component {name!r}")
            self.__dict__[name] = component

    @cached_property
    def store(self) -> Store:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return create_store(self.settings.sqlalchemy_url)

    @cached_property
    def embedder(self):
        s = self.settings
        if s.embedder == "use-multilingual":
            from backend.adapters.use_embedder import UseMultilingualEmbedder

            return UseMultilingualEmbedder(s.threads)
        if s.multilingual_weight > 0:
            from backend.adapters.fused_embedder import FusedEmbedder
            from backend.adapters.multilingual_e5 import MODEL_NAME, E5Embedder

            e5 = E5Embedder(s.models_dir / MODEL_NAME, s.embedding_batch_size, s.threads)
            return FusedEmbedder(self.token_embedder, e5, s.multilingual_weight)
        return self.token_embedder

    @cached_property
    def token_embedder(self):
        """CITEQA_EMBEDDING_MODEL: the dense embedder by default, and the source of token
        vectors for MaxSim whichever embedder fills the index."""
        s = self.settings
        if s.embedder == "sentence-transformers":
            from backend.adapters.st_embedder import SentenceTransformerEmbedder

            return SentenceTransformerEmbedder(s.embedding_model, s.embedding_batch_size, s.threads)
        from backend.adapters.onnx_embedder import load_onnx_embedder

        return load_onnx_embedder(s.embedding_model, self.embedding_export(),
                                  s.embedding_batch_size, s.threads)

    def embedding_export(self):
        """The ONNX file the embedding model runs from; None when torch runs it."""
        from backend.adapters.onnx_embedder import onnx_path_for

        s = self.settings
        if s.embedder == "sentence-transformers":
            return None
        return onnx_path_for(s.embedding_model, s.models_dir, quantized=s.embedder != "onnx")

    def _load_indexes(self):
        s = self.settings
        if s.search_engine == "pgvector":
            from backend.adapters.pgvector_search import PgKeywordIndex, PgVectorIndex

            url = s.search_engine_url
            return (PgVectorIndex(url, self.embedder.dimension, self.embedder.name,
                                  s.pgvector_ef_search),
                    PgKeywordIndex(url, k1=s.bm25_k1, b=s.bm25_b, stem=s.bm25_stemming))
        from backend.adapters.bm25_keyword_index import Bm25sKeywordIndex, RankBm25KeywordIndex
        from backend.adapters.faiss_vector_index import FaissVectorIndex

        d = s.index_dir
        keyword_cls = {"bm25s": Bm25sKeywordIndex, "rank-bm25": RankBm25KeywordIndex}[s.keyword_index]
        return (FaissVectorIndex(d / "vectors.faiss", self.embedder.dimension, s.faiss_threads,
                                 self.embedder.name, s.faiss_ivf_from, s.faiss_nprobe),
                keyword_cls(d / "bm25.json", k1=s.bm25_k1, b=s.bm25_b, stem=s.bm25_stemming))

    @cached_property
    def knowledge_base(self):
        from backend.knowledge import KnowledgeBase

        vectors, keywords = self._load_indexes()
        d = self.settings.index_dir
        files = [] if self.settings.search_engine == "pgvector" else [d / "vectors.faiss",
                                                                      d / "bm25.json"]
        kb = KnowledgeBase(self.store, self.embedder, vectors, keywords, files, self._load_indexes,
                           self.settings.local_index_write_lock)
        kb.reconcile()
        return kb

    @cached_property
    def ingestor(self):
        from ingest.ocr import OcrSettings
        from ingest.parsers import ParseLimits
        from ingest.pipeline import Ingestor, WorkLimits
        from ingest.sandbox import SandboxLimits

        s = self.settings
        ocr = OcrSettings(s.ocr_languages, s.ocr_seconds) if s.ocr == "tesseract" else None
        # OCR has its own budget: the file's wall clock covers parsing and OCR both
        timeout = s.parse_timeout_seconds + (s.ocr_seconds if ocr else 0)
        limits = SandboxLimits(s.parse_memory_mb, s.parse_cpu_seconds, timeout,
                               ParseLimits(s.max_pdf_pages, s.max_zip_entries,
                                           s.max_unzipped_bytes, s.max_zip_ratio, ocr))
        return Ingestor(self.knowledge_base, s.chunk_tokens, s.chunk_overlap_tokens, limits,
                        WorkLimits(s.max_document_chars, s.max_document_chunks), self.files)

    @cached_property
    def files(self):
        """Where uploaded files are kept (CITEQA_FILES_URL)."""
        s = self.settings
        if s.files_url:
            from backend.adapters.s3_file_store import S3FileStore

            return S3FileStore(s.files_url, s.s3_endpoint_url)
        from backend.adapters.local_file_store import LocalFileStore

        return LocalFileStore(s.uploads_dir)

    @cached_property
    def reranker(self):
        s = self.settings
        if s.reranker == "cross-encoder":
            from backend.adapters.cross_encoder_reranker import CrossEncoderReranker

            if not s.reranker_model:
                raise ValueError("CITEQA_RERANKER=cross-encoder needs CITEQA_RERANKER_MODEL")
            return CrossEncoderReranker(s.reranker_model, s.rerank_depth)
        if s.reranker == "maxsim":
            from backend.adapters.maxsim_reranker import MaxSimReranker

            embedder = self.embedder if hasattr(self.embedder, "token_vectors") else self.token_embedder
            return MaxSimReranker(embedder, s.rerank_depth, s.rerank_weight)
        from backend.adapters.identity_reranker import IdentityReranker

        return IdentityReranker()

    @cached_property
    def retriever(self):
        from backend.rag.expansion import QueryExpansion
        from backend.rag.retrieve import FusionConfig, Retriever

        s = self.settings
        fusion = FusionConfig(s.fusion, s.rrf_k, s.fusion_dense_weight, s.fusion_normalization)
        return Retriever(self.knowledge_base, self.reranker, s.candidates, fusion,
                         *s.relevance_thresholds(), expansion=QueryExpansion(self.lexicon),
                         chinese_relevance=s.chinese_relevance_thresholds(),
                         cross_relevance=s.cross_language_relevance_thresholds(),
                         sentence_relevance=s.sentence_relevance_threshold())

    @cached_property
    def lexicon(self):
        """Chinese <-> English dictionary for keyword queries (None: CITEQA_QUERY_TRANSLATION=off)."""
        if self.settings.query_translation == "off":
            return None
        from backend.rag.bilingual import Lexicon

        return Lexicon.from_packages()

    @cached_property
    def chat_model(self):
        s = self.settings
        if s.answer_mode == "quote":
            from backend.adapters.quote_only_chat_model import QuoteOnlyChatModel

            return QuoteOnlyChatModel()
        if s.llm_url:
            from backend.adapters.openai_chat_model import OpenAICompatChatModel

            key = s.llm_api_key.get_secret_value() if s.llm_api_key else None
            return OpenAICompatChatModel(s.llm_url, s.llm_model_name, key, s.llm_context_window,
                                         s.llm_temperature, s.llm_timeout_seconds, s.llm_retries)
        from backend.adapters.llamacpp_chat_model import LlamaCppChatModel

        return LlamaCppChatModel(s.llm_model_path, s.llm_context_window, s.threads, s.llm_temperature)

    @cached_property
    def answers(self):
        from backend.rag.answer import AnswerService

        s = self.settings
        return AnswerService(self.retriever, self.chat_model, s.llm_max_answer_tokens, s.llm_queue,
                             s.llm_queue_per_user, s.evidence_tokens, self.answerability,
                             observe=self.metrics.observe_stages,
                             record=self.store.record_answer)

    @cached_property
    def metrics(self):
        """Prometheus metrics of this app (GET /metrics); the gauges are read at scrape time."""
        from backend.api.observability import Metrics

        def gauges() -> dict[str, tuple[str, float]]:
            totals = self.store.totals()
            return {
                "citeqa_answer_queue_depth": ("Questions running or waiting for the model",
                                              self.answers.slots.in_use()),
                "citeqa_documents": ("Documents in the store", totals["documents"]),
                "citeqa_chunks": ("Chunks in the store", totals["chunks"]),
                "citeqa_upload_jobs_queued": ("Upload jobs waiting", totals["jobs_queued"]),
            }

        return Metrics(gauges)

    @cached_property
    def answerability(self):
        if self.settings.answerability == "off":
            return None
        from backend.rag.answerability import AnswerabilityModel

        return AnswerabilityModel.load()

    @cached_property
    def limits_storage(self):
        """Rate-limit and sign-in counters: this process's memory, or a shared store (Redis)
        so that several API replicas count together."""
        from limits.storage import MemoryStorage, storage_from_string

        url = self.settings.limits_storage_url
        return storage_from_string(url) if url else MemoryStorage()

    @cached_property
    def accounts(self):
        from backend.auth import Accounts, LoginThrottle, load_secret

        s = self.settings
        return Accounts(self.store, load_secret(s.auth_secret, s.data_dir / "secret.key"),
                        s.token_minutes, LoginThrottle(s.login_failure_limit, self.limits_storage),
                        s.max_keys_per_member)
