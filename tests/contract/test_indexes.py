"""Contract tests: every VectorIndex / KeywordIndex backend inherits its port's test class."""

import json

import numpy as np
import pytest

from backend.access import Scope
from backend.adapters.bm25_keyword_index import Bm25sKeywordIndex, RankBm25KeywordIndex
from backend.adapters.faiss_vector_index import FaissVectorIndex
from backend.rag.text import analyzer_name
from tests.conftest import PostgresCluster, pgvector_binaries


def unit(*xs) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def restrict(index, visible, hidden=()) -> Scope:
    """A scope of group "g" seeing ``visible``: an engine holds the access lists (``hidden``
    chunks belong to group "h"), a local index gets the ids."""
    if getattr(index, "filters_by_access", False):
        index.set_access(list(visible), ["g"])
        index.set_access(list(hidden), ["h"])
    return Scope({"g", "public"}, ids=np.asarray(visible, dtype=np.int64))


class VectorIndexContract:
    """Subclasses provide ``make(path)`` returning an empty index of dimension 3 stored at path."""

    def make(self, path):
        raise NotImplementedError

    def test_search_ranks_by_similarity_and_returns_ids(self, tmp_path):
        index = self.make(tmp_path / "v")
        index.add([10, 20, 30], np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(1, 1, 0)]))
        hits = index.search(unit(1, 0.1, 0), 2)
        assert [i for i, _ in hits] == [10, 30] and hits[0][1] > hits[1][1]
        assert len(index) == 3 and index.ids() == {10, 20, 30}

    def test_remove_and_similarity(self, tmp_path):
        index = self.make(tmp_path / "v")
        index.add([1, 2], np.stack([unit(1, 0, 0), unit(0, 1, 0)]))
        index.remove([1])
        assert index.ids() == {2} and [i for i, _ in index.search(unit(1, 0, 0), 5)] == [2]
        sims = index.similarity(unit(0, 1, 0), [1, 2])
        assert set(sims) == {2} and sims[2] == pytest.approx(1.0, abs=1e-5)

    def test_save_and_reload(self, tmp_path):
        index = self.make(tmp_path / "v")
        index.add([7], np.stack([unit(0, 0, 1)]))
        index.save()
        assert self.make(tmp_path / "v").ids() == {7}

    def test_empty_index_finds_nothing(self, tmp_path):
        assert self.make(tmp_path / "v").search(unit(1, 0, 0), 3) == []

    def test_scoped_search_returns_only_the_scope(self, tmp_path):
        index = self.make(tmp_path / "v")
        index.add([1, 2, 3], np.stack([unit(1, 0, 0), unit(0.9, 0.1, 0), unit(0, 1, 0)]))
        scope = restrict(index, [2, 3], [1])
        assert [i for i, _ in index.search(unit(1, 0, 0), 3, scope)] == [2, 3]
        assert index.search(unit(1, 0, 0), 3, restrict(index, [], [1, 2, 3])) == []


class KeywordIndexContract:
    def make(self, path):
        raise NotImplementedError

    def test_search_finds_matching_terms_only(self, tmp_path):
        index = self.make(tmp_path / "k")
        index.add([1, 2, 3], ["hotel limit per night", "parental leave weeks", "差旅报销上限"])
        assert [i for i, _ in index.search("hotel night", 5)] == [1]
        assert [i for i, _ in index.search("报销", 5)] == [3]
        assert index.search("nothing matches", 5) == []

    def test_scores_of_given_ids_are_the_scores_search_gives(self, tmp_path):
        index = self.make(tmp_path / "k")
        index.add([1, 2, 3, 4], ["hotel limit per night", "hotels near the office",
                                 "night shift rota", "parental leave weeks"])
        found = dict(index.search("hotel night", 4))
        assert index.scores("hotel night", [3, 1, 4, 99]) == pytest.approx(
            {3: found[3], 1: found[1], 4: 0.0})  # 99 is not indexed
        scope = restrict(index, [1, 3], [2, 4])
        assert index.scores("hotel night", [1, 3], scope) == pytest.approx(
            dict(index.search("hotel night", 4, scope)))
        assert index.scores("", [1]) == {1: 0.0}
        index.add([5], ["hotel hotel night"])  # the same query after a change: scored anew
        assert index.scores("hotel night", [5])[5] == pytest.approx(dict(index.search("hotel night", 5))[5])
        assert index.scores("hotel night", [1])[1] != pytest.approx(found[1])  # new statistics

    def test_a_name_is_found_without_its_accents(self, tmp_path):
        index = self.make(tmp_path / "k")
        index.add([1, 2], ["Temüjin was born near the Onon river", "São Paulo hotels"])
        assert [i for i, _ in index.search("Temujin", 5)] == [1]
        assert [i for i, _ in index.search("Temüjin", 5)] == [1]
        assert [i for i, _ in index.search("sao paulo", 5)] == [2]

    def test_remove_save_reload(self, tmp_path):
        index = self.make(tmp_path / "k")
        index.add([1, 2], ["alpha beta", "gamma delta"])
        index.remove([1])
        index.save()
        again = self.make(tmp_path / "k")
        assert again.ids() == {2} and len(again) == 1
        assert [i for i, _ in again.search("gamma", 5)] == [2] and again.search("alpha", 5) == []


    def test_scoped_search_scores_as_if_only_the_scope_existed(self, tmp_path):
        """A chunk outside the scope changes neither the ranks nor the scores inside it."""
        texts = {1: "hotel limit per night", 2: "hotels near the office", 3: "night shift rota",
                 4: "secret hotel hotel night budget", 5: "limit of 180 euros per night"}
        everything = self.make(tmp_path / "all")
        everything.add(list(texts), list(texts.values()))
        visible = [1, 2, 3, 5]
        alone = self.make(tmp_path / "alone")
        alone.add(visible, [texts[i] for i in visible])
        scope_all = restrict(everything, visible, [4])
        restrict(alone, visible)
        for q in ("hotel night", "limit", "budget"):
            got = everything.search(q, 5, restrict(everything, visible, [4]))
            want = alone.search(q, 5, scope_all)
            assert [i for i, _ in got] == [i for i, _ in want]
            assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-6)
            # and the scoped scorer ranks like the library when the scope is everything
            lib = alone.search(q, 5)
            assert [i for i, _ in want] == [i for i, _ in lib]
            assert [s for _, s in want] == pytest.approx([s for _, s in lib], rel=1e-4)
        assert all(i != 4 for i, _ in everything.search("secret budget", 5, scope_all))


    def test_a_scope_stays_right_after_the_index_is_rebuilt(self, tmp_path):
        index = self.make(tmp_path / "k")
        index.add([1, 2, 3], ["hotel alpha", "hotel beta", "hotel gamma"])
        scope = restrict(index, [1], [2, 3])
        assert [i for i, _ in index.search("hotel", 5, scope)] == [1]
        index.remove([1])
        index.add([1], ["hotel alpha"])  # now last: positions moved
        restrict(index, [1], [2, 3])
        assert [i for i, _ in index.search("hotel", 5, scope)] == [1]


class TestFaissVectorIndex(VectorIndexContract):
    def make(self, path):
        return FaissVectorIndex(path, dimension=3, model="m1")

    def test_vectors_of_another_embedder_are_not_loaded(self, tmp_path):
        index = self.make(tmp_path / "v")
        index.add([1, 2], np.eye(3, dtype=np.float32)[:2])
        index.save()
        assert self.make(tmp_path / "v").ids() == {1, 2}
        # another model, or a file from before models were recorded: start empty, re-embed
        assert len(FaissVectorIndex(tmp_path / "v", dimension=3, model="m2")) == 0
        (tmp_path / "v.model").unlink()
        assert len(self.make(tmp_path / "v")) == 0


class _AlwaysInverted(FaissVectorIndex):
    """The inverted-file path under the whole contract: rebuilt as IVF after every add."""

    def add(self, ids, vectors):
        super().add(ids, vectors)
        if len(self):
            self._rebuild_as_ivf()


class TestFaissInvertedFile(VectorIndexContract):
    def make(self, path):
        return _AlwaysInverted(path, dimension=3, model="m1")

    def test_save_moves_a_large_index_to_an_inverted_file_that_ranks_like_the_scan(self, tmp_path):
        rng = np.random.default_rng(0)
        vectors = rng.standard_normal((3000, 8)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index = FaissVectorIndex(tmp_path / "v", dimension=8, model="m1", ivf_from=2000, nprobe=10_000)
        index.add(list(range(5, 3005)), vectors)
        exact = index.search(vectors[7], 10)
        scope = restrict(index, list(range(5, 3005, 2)))
        exact_scoped = index.search(vectors[7], 10, scope)
        index.save()
        assert index._ivf is not None and len(index) == 3000
        # every list probed: the same ids as the exhaustive scan, scores to fp16 precision
        assert [i for i, _ in index.search(vectors[7], 10)] == [i for i, _ in exact]
        assert [i for i, _ in index.search(vectors[7], 10, scope)] == [i for i, _ in exact_scoped]
        index.nprobe = 1  # a scope of 3 chunks in 3,000 is unlikely to fill k from one list
        rare = restrict(index, [11, 1500, 2900])
        assert {i for i, _ in index.search(vectors[7], 10, rare)} == {11, 1500, 2900}
        reloaded = FaissVectorIndex(tmp_path / "v", dimension=8, model="m1")
        assert reloaded._ivf is not None and reloaded.ids() == set(range(5, 3005))
        small = FaissVectorIndex(tmp_path / "w", dimension=8, model="m1", ivf_from=5000)
        small.add(list(range(3000)), vectors)
        small.save()
        assert small._ivf is None  # below the size where the scan gets slow


class TestRankBm25KeywordIndex(KeywordIndexContract):
    def make(self, path):
        return RankBm25KeywordIndex(path)


class TestBm25sKeywordIndex(KeywordIndexContract):
    def make(self, path):
        return Bm25sKeywordIndex(path, stem=True)

    def test_terms_of_an_older_analyser_are_not_loaded(self, tmp_path):
        """Terms saved before accents were folded ("temüjin") would never match a query's
        ("temujin"): the index starts empty and the knowledge base's reconcile re-adds them."""
        index = self.make(tmp_path / "k")
        index.add([1], ["Temüjin was born"])
        index.save()
        saved = json.loads((tmp_path / "k").read_text(encoding="utf-8"))
        assert saved["analyzer"] == analyzer_name(stem=True)
        saved["analyzer"] = "snowball-english"  # as written before the folding
        (tmp_path / "k").write_text(json.dumps(saved), encoding="utf-8")
        assert len(self.make(tmp_path / "k")) == 0


class TestBm25sStemmedRankBm25Agree:
    def test_same_ranking_from_both_scorers(self, tmp_path):
        texts = ["hotel limit per night", "hotels near the office", "the night shift rota",
                 "limit of 180 euros per night for hotels"]
        a, b = RankBm25KeywordIndex(tmp_path / "a", stem=True), Bm25sKeywordIndex(tmp_path / "b", stem=True)
        for index in (a, b):
            index.add([1, 2, 3, 4], texts)
        for q in ("hotel night", "limit", "night shift"):
            ra, rb = a.search(q, 4), b.search(q, 4)
            assert [i for i, _ in ra] == [i for i, _ in rb]
            # rank-bm25 keeps Robertson's (k1 + 1) numerator, Lucene drops it: same order, scaled
            assert [s for _, s in ra] == pytest.approx([s * (a.k1 + 1) for _, s in rb], rel=1e-4)


def test_bm25_matches_terms_present_in_most_chunks(tmp_path):
    """A term in every chunk still scores (rank-bm25's own IDF would make it negative)."""
    index = RankBm25KeywordIndex(tmp_path / "k")
    index.add([1], ["the only document about parking"])
    assert [i for i, _ in index.search("parking", 3)] == [1]


@pytest.fixture(scope="module")
def pgvector_cluster():
    cluster = PostgresCluster(pgvector_binaries())
    yield cluster
    cluster.stop()


class _OnPgvector:
    """Each path is a database of its own on a real PostgreSQL with pgvector."""

    @pytest.fixture(autouse=True)
    def _cluster(self, pgvector_cluster):
        self.cluster = pgvector_cluster

    def url(self, path):
        return self.cluster.database_for(path)


class TestPgVectorIndex(_OnPgvector, VectorIndexContract):
    def make(self, path):
        from backend.adapters.pgvector_search import PgVectorIndex

        return PgVectorIndex(self.url(path), dimension=3, model="m1")

    def test_vectors_of_another_embedder_are_dropped(self, tmp_path):
        from backend.adapters.pgvector_search import PgVectorIndex

        self.make(tmp_path / "v").add([1, 2], np.eye(3, dtype=np.float32)[:2])
        assert self.make(tmp_path / "v").ids() == {1, 2}
        assert len(PgVectorIndex(self.url(tmp_path / "v"), dimension=4, model="m2")) == 0

    def test_new_rows_are_seen_by_admins_only_until_granted(self, tmp_path):
        index = self.make(tmp_path / "v")
        index.add([1], np.stack([unit(1, 0, 0)]))
        member = Scope({"public"}, ids=np.asarray([1]))  # even ids that claim it: the engine decides
        assert index.search(unit(1, 0, 0), 3, member) == []
        assert [i for i, _ in index.search(unit(1, 0, 0), 3)] == [1]
        index.set_access([1], ["public"])
        assert [i for i, _ in index.search(unit(1, 0, 0), 3, member)] == [1]

    def test_hnsw_with_a_selective_filter_still_fills_k(self, tmp_path):
        rng = np.random.default_rng(0)
        index = self.make(tmp_path / "v")
        vectors = rng.normal(size=(3000, 3)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index.add(list(range(3000)), vectors)
        visible = list(range(0, 3000, 100))  # 1 in 100 may be seen
        scope = restrict(index, visible, [i for i in range(3000) if i % 100])
        query = unit(1, 0.5, 0)
        got = index.search(query, 10, scope)
        exact = sorted(visible, key=lambda i: -float(vectors[i] @ query))[:10]
        assert len(got) == 10 and all(i in set(visible) for i, _ in got)
        assert len({i for i, _ in got} & set(exact)) >= 9


class TestPgKeywordIndex(_OnPgvector, KeywordIndexContract):
    def make(self, path):
        from backend.adapters.pgvector_search import PgKeywordIndex

        return PgKeywordIndex(self.url(path), k1=1.2, b=0.5, stem=True)

    def test_ranks_and_scores_as_the_local_index(self, tmp_path):
        texts = ["hotel limit per night", "hotels near the office", "the night shift rota",
                 "limit of 180 euros per night for hotels", "差旅报销上限 chunk_size=512"]
        local = Bm25sKeywordIndex(tmp_path / "b", k1=1.2, b=0.5, stem=True)
        engine = self.make(tmp_path / "k")  # the same k1 and b
        for index in (local, engine):
            index.add([1, 2, 3, 4, 5], texts)
        for q in ("hotel night", "limit", "night shift", "报销", "chunk_size=512"):
            want, got = local.search(q, 5), engine.search(q, 5)
            assert [i for i, _ in got] == [i for i, _ in want]
            assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-4)

    def test_statistics_per_access_list_follow_every_change(self, tmp_path):
        """The per-access-list counts BM25 reads stay equal to a recount of the chunks."""
        index = self.make(tmp_path / "k")
        index.add([1, 2, 3, 4], ["hotel limit", "hotel hotel night", "night shift", "leave"])
        index.set_access([1, 2], ["g"])
        index.set_access([3], ["h"])
        index.add([2], ["hotel"])  # re-indexed: admins only until granted again
        index.remove([4])
        index.set_access([1, 3], ["g", "h"])

        def rows(sql):
            with index.db.cursor() as cur:
                cur.execute(sql)
                return {tuple(r[0]): tuple(r[1:]) for r in cur.fetchall()}

        kept = {a: v for a, v in rows("SELECT access, n, total FROM citeqa_term_stats").items()
                if v[0] > 0}
        assert kept == rows("SELECT access, count(*), sum(length) FROM citeqa_terms GROUP BY access")
        assert kept == {("g", "h"): (2, 4), (): (1, 1)}
        assert document_frequencies(index) == recounted_frequencies(index)
        assert document_frequencies(index)[("hotel", ("g", "h"))] == 1

    def test_document_frequencies_are_counted_for_an_engine_indexed_before_them(self, tmp_path):
        index = self.make(tmp_path / "k")
        index.add([1, 2, 3], ["hotel limit", "hotel night", "night shift"])
        index.set_access([1], ["g"])
        with index.db.cursor() as cur:
            cur.execute("DROP TABLE citeqa_term_df")
        again = self.make(tmp_path / "k")
        assert document_frequencies(again) == recounted_frequencies(again)
        local = Bm25sKeywordIndex(tmp_path / "b", k1=1.2, b=0.5, stem=True)
        local.add([1, 2, 3], ["hotel limit", "hotel night", "night shift"])
        got, want = again.search("hotel night", 5), local.search("hotel night", 5)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-4)

    def test_an_analyser_change_starts_the_terms_and_their_frequencies_afresh(self, tmp_path):
        """Terms made by another analyser are dropped and re-added (reconcile); their document
        frequencies must go with them, or every term is counted twice."""
        index = self.make(tmp_path / "k")
        index.add([1, 2], ["hotel limit", "hotel night"])
        with index.db.cursor() as cur:
            index.db.record(cur, "keywords.analyzer", "an older analyser")
        again = self.make(tmp_path / "k")
        assert len(again) == 0 and document_frequencies(again) == {}
        again.add([1, 2], ["hotel limit", "hotel night"])
        assert document_frequencies(again) == recounted_frequencies(again)
        assert document_frequencies(again)[("hotel", ())] == 2


def document_frequencies(index) -> dict:
    with index.db.cursor() as cur:
        cur.execute("SELECT term, access, df FROM citeqa_term_df WHERE df > 0")
        return {(t, tuple(a)): n for t, a, n in cur.fetchall()}


def recounted_frequencies(index) -> dict:
    with index.db.cursor() as cur:
        cur.execute("SELECT term, access, count(*) FROM citeqa_postings GROUP BY term, access")
        return {(t, tuple(a)): n for t, a, n in cur.fetchall()}
