"""Store: the only code that talks SQL. SQLite by default, any SQLAlchemy URL works."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import and_, create_engine, delete, event, func, inspect, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.domain import Answer, ChunkDraft, ChunkRecord
from backend.rag.text import mostly_cjk
from backend.storage.models import (AnswerLogRow, ApiKeyRow, ChunkRow, ConversationRow, DocumentRow,
                                    JobRow, UserRow, utcnow)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers don't block the ingest writer
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def create_store(url: str) -> Store:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False} if url.startswith("sqlite") else {})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return Store(engine)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic). A database made by ``create_all``
    before migrations existed is recognised as the baseline and upgraded from there."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # a rebuilt table is dropped and renamed: with foreign keys on, dropping ``users``
            # would cascade-delete every API key (the pragma is a no-op inside a transaction)
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        tables = set(inspect(conn).get_table_names())
        config.attributes["connection"] = conn
        if "documents" in tables and "alembic_version" not in tables:
            command.stamp(config, "0001")
        command.upgrade(config, "head")
        conn.commit()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._session()

    # documents ---------------------------------------------------------------
    def documents_named(self, filename: str) -> list[DocumentRow]:
        with self.session() as s:
            return list(s.scalars(
                select(DocumentRow).where(DocumentRow.filename == filename).order_by(DocumentRow.id)))

    def get_document(self, document_id: int) -> DocumentRow | None:
        with self.session() as s:
            return s.get(DocumentRow, document_id)

    def list_documents(self, document_id: int | None = None) -> list[tuple[DocumentRow, int]]:
        """Documents with their chunk counts, newest first (only ``document_id`` if given)."""
        with self.session() as s:
            counts = (
                select(ChunkRow.document_id, func.count(ChunkRow.id).label("n"))
                .group_by(ChunkRow.document_id)
                .subquery()
            )
            query = (select(DocumentRow, func.coalesce(counts.c.n, 0))
                     .outerjoin(counts, counts.c.document_id == DocumentRow.id)
                     .order_by(DocumentRow.id.desc()))
            if document_id is not None:
                query = query.where(DocumentRow.id == document_id)
            return [(doc, n) for doc, n in s.execute(query).all()]

    def add_documents(
        self, batch: Sequence[tuple[DocumentRow, Sequence[ChunkDraft]]],
        replaces: Sequence[int | None] = (),
    ) -> tuple[list[tuple[DocumentRow, list[int]]], list[int]]:
        """Insert many documents in one transaction; returns (row, chunk ids) each and removed ids."""
        with self.session() as s, s.begin():
            old = [r for r in replaces if r is not None]
            removed: list[int] = []
            if old:
                removed = list(s.scalars(select(ChunkRow.id).where(ChunkRow.document_id.in_(old))))
                s.execute(delete(ChunkRow).where(ChunkRow.document_id.in_(old)))
                s.execute(delete(DocumentRow).where(DocumentRow.id.in_(old)))
            s.add_all([doc for doc, _ in batch])
            s.flush()
            rows_per_doc = [
                [ChunkRow(document_id=doc.id, ordinal=c.ordinal, text=c.text, page=c.page,
                          section=c.section, char_start=c.char_start, char_end=c.char_end,
                          token_count=c.token_count, cjk=mostly_cjk(c.text)) for c in chunks]
                for doc, chunks in batch
            ]
            s.add_all([row for rows in rows_per_doc for row in rows])
            s.flush()
            out = [(doc, [r.id for r in rows]) for (doc, _), rows in zip(batch, rows_per_doc)]
            return out, removed

    def delete_document(self, document_id: int) -> list[int] | None:
        """Delete a document; returns its chunk ids, or None if it did not exist."""
        with self.session() as s, s.begin():
            if s.get(DocumentRow, document_id) is None:
                return None
            ids = list(s.scalars(select(ChunkRow.id).where(ChunkRow.document_id == document_id)))
            s.execute(delete(ChunkRow).where(ChunkRow.document_id == document_id))
            s.execute(delete(DocumentRow).where(DocumentRow.id == document_id))
            return ids

    def document_chunk_ids(self, document_id: int) -> list[int] | None:
        """The ids of a document's chunks; None if it does not exist."""
        with self.session() as s:
            if s.get(DocumentRow, document_id) is None:
                return None
            return list(s.scalars(select(ChunkRow.id).where(ChunkRow.document_id == document_id)))

    def set_access(self, document_id: int, access: list[str]) -> DocumentRow | None:
        with self.session() as s, s.begin():
            doc = s.get(DocumentRow, document_id)
            if doc is not None:
                doc.access = list(access)
            return doc

    def access_stamp(self) -> tuple:
        """Changes whenever a document is added, removed or changes its access list."""
        with self.session() as s:
            return tuple(s.execute(select(func.count(DocumentRow.id), func.max(DocumentRow.id),
                                          func.max(DocumentRow.updated_at))).one())

    def chunk_access(self) -> list[tuple[int, list[str]]]:
        """(chunk id, its document's access list) for every chunk."""
        with self.session() as s:
            return [(i, list(a or [])) for i, a in
                    s.execute(select(ChunkRow.id, DocumentRow.access)
                              .join(DocumentRow, DocumentRow.id == ChunkRow.document_id))]

    # chunks ------------------------------------------------------------------
    def chunks_by_ids(self, ids: Iterable[int]) -> dict[int, ChunkRecord]:
        ids = list(ids)
        if not ids:
            return {}
        with self.session() as s:
            rows = s.execute(
                select(ChunkRow, DocumentRow.filename)
                .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
                .where(ChunkRow.id.in_(ids))
            ).all()
            return {c.id: _record(c, name) for c, name in rows}

    def section_around(self, chunk_id: int) -> tuple[ChunkRow, list[ChunkRow]] | None:
        """The chunk and every chunk of its page or section (same document, page and heading),
        in order: together they hold the section's text at their offsets."""
        with self.session() as s:
            chunk = s.get(ChunkRow, chunk_id)
            if chunk is None:
                return None
            siblings = list(s.scalars(
                select(ChunkRow).where(ChunkRow.document_id == chunk.document_id,
                                       ChunkRow.page.is_(None) if chunk.page is None
                                       else ChunkRow.page == chunk.page,
                                       ChunkRow.section.is_(None) if chunk.section is None
                                       else ChunkRow.section == chunk.section)
                .order_by(ChunkRow.char_start)))
            s.expunge_all()
            return chunk, siblings

    def chunk_texts(self, ids: Iterable[int]) -> dict[int, str]:
        """Just the texts: a light query (0.5 ms for 150 chunks on SQLite)."""
        ids = list(ids)
        if not ids:
            return {}
        with self.session() as s:
            return dict(s.execute(select(ChunkRow.id, ChunkRow.text).where(ChunkRow.id.in_(ids))).all())

    def chunk_scripts(self, ids: Iterable[int] | None = None) -> list[tuple[int, bool]]:
        """(chunk id, written mainly in CJK script) of ``ids``, or of every chunk."""
        query = select(ChunkRow.id, ChunkRow.cjk)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return []
            query = query.where(ChunkRow.id.in_(ids))
        with self.engine.connect() as conn:  # no ORM objects: a million rows at worst
            return [(i, bool(c)) for i, c in conn.execute(query)]

    def all_chunks(self) -> list[tuple[int, str]]:
        with self.session() as s:
            return list(s.execute(select(ChunkRow.id, ChunkRow.text).order_by(ChunkRow.id)).tuples())

    def chunk_ids(self) -> set[int]:
        with self.session() as s:
            return set(s.scalars(select(ChunkRow.id)))

    # users and API keys --------------------------------------------------------
    def add_user(self, name: str, role: str, groups: list[str], password_hash: str | None) -> UserRow:
        with self.session() as s, s.begin():
            user = UserRow(name=name, role=role, groups=groups, password_hash=password_hash)
            s.add(user)
            return user

    def get_user(self, user_id: int | None = None, name: str | None = None) -> UserRow | None:
        with self.session() as s:
            if user_id is not None:
                return s.get(UserRow, user_id)
            return s.scalars(select(UserRow).where(UserRow.name == name)).first()

    def list_users(self) -> list[UserRow]:
        with self.session() as s:
            return list(s.scalars(select(UserRow).order_by(UserRow.name)))

    def update_user(self, name: str, **changes) -> UserRow | None:
        with self.session() as s, s.begin():
            user = s.scalars(select(UserRow).where(UserRow.name == name)).first()
            if user is not None:
                for key, value in changes.items():
                    setattr(user, key, value)
            return user

    def update_user_by_id(self, user_id: int, **changes) -> UserRow | None:
        with self.session() as s, s.begin():
            user = s.get(UserRow, user_id)
            if user is not None:
                for key, value in changes.items():
                    setattr(user, key, value)
            return user

    def count_admins(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count(UserRow.id)).where(UserRow.role == "admin")) or 0

    def count_keys(self, user_id: int) -> int:
        """Active (not revoked) keys of one user."""
        with self.session() as s:
            return s.scalar(select(func.count(ApiKeyRow.id)).where(
                ApiKeyRow.user_id == user_id, ApiKeyRow.revoked_at.is_(None))) or 0

    def delete_user(self, name: str) -> bool:
        with self.session() as s, s.begin():
            user = s.scalars(select(UserRow).where(UserRow.name == name)).first()
            if user is None:
                return False
            s.execute(delete(ApiKeyRow).where(ApiKeyRow.user_id == user.id))
            s.delete(user)
            return True

    def totals(self) -> dict[str, int]:
        """Documents, chunks and queued upload jobs (the /metrics gauges)."""
        with self.session() as s:
            return {"documents": s.scalar(select(func.count(DocumentRow.id))) or 0,
                    "chunks": s.scalar(select(func.count(ChunkRow.id))) or 0,
                    "jobs_queued": s.scalar(select(func.count(JobRow.id))
                                            .where(JobRow.status == "queued")) or 0}

    # saved conversations -----------------------------------------------------
    def create_conversation(self, user_id: int, title: str = "", keep: int = 200) -> ConversationRow:
        """A new conversation of ``user_id``; beyond ``keep`` the oldest ones are deleted."""
        with self.session() as s, s.begin():
            row = ConversationRow(user_id=user_id, title=title[:200])
            s.add(row)
            s.flush()
            stale = s.scalars(select(ConversationRow.id).where(ConversationRow.user_id == user_id)
                              .order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc())
                              .offset(keep)).all()
            if stale:
                s.execute(delete(AnswerLogRow).where(AnswerLogRow.conversation_id.in_(stale)))
                s.execute(delete(ConversationRow).where(ConversationRow.id.in_(stale)))
            s.expunge(row)
            return row

    def conversations_of(self, user_id: int, limit: int = 200) -> list[tuple[ConversationRow, int]]:
        """The user's conversations, last used first, with their number of turns."""
        turns = (select(AnswerLogRow.conversation_id, func.count(AnswerLogRow.id).label("n"))
                 .group_by(AnswerLogRow.conversation_id).subquery())
        with self.session() as s:
            return [(c, n or 0) for c, n in s.execute(
                select(ConversationRow, turns.c.n)
                .outerjoin(turns, turns.c.conversation_id == ConversationRow.id)
                .where(ConversationRow.user_id == user_id)
                .order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc()).limit(limit))]

    def conversation(self, conversation_id: int, user_id: int,
                     last: int | None = None) -> tuple[ConversationRow, list[AnswerLogRow]] | None:
        """The conversation and its turns (oldest first; the ``last`` ones only if given), or
        None if it is not this user's: another user's is indistinguishable from a missing one."""
        with self.session() as s:
            row = s.get(ConversationRow, conversation_id)
            if row is None or row.user_id != user_id:
                return None
            query = (select(AnswerLogRow).where(AnswerLogRow.conversation_id == conversation_id)
                     .order_by(AnswerLogRow.id.desc()))
            turns = list(s.scalars(query.limit(last) if last else query))[::-1]
            return row, turns

    def add_to_conversation(self, conversation_id: int, user_id: int, answer_id: int) -> bool:
        """File a logged answer under the user's conversation; the first question names it."""
        with self.session() as s, s.begin():
            row, answer = s.get(ConversationRow, conversation_id), s.get(AnswerLogRow, answer_id)
            if row is None or answer is None or row.user_id != user_id or answer.user_id != user_id:
                return False
            answer.conversation_id = row.id
            row.updated_at = utcnow()
            if not row.title:
                row.title = " ".join(answer.question.split())[:200]
            return True

    def delete_conversation(self, conversation_id: int, user_id: int) -> bool:
        """Delete the user's conversation and its answers from the log (they asked to forget it)."""
        with self.session() as s, s.begin():
            row = s.get(ConversationRow, conversation_id)
            if row is None or row.user_id != user_id:
                return False
            s.execute(delete(AnswerLogRow).where(AnswerLogRow.conversation_id == row.id))
            s.delete(row)
            return True

    # the answer log -----------------------------------------------------------
    def record_answer(self, user_id: int, question: str, answer: Answer) -> int:
        """Log an answer given to ``user_id``; its id, which the asker may rate."""
        citations = [{"n": c.n, "document_id": c.chunk.document_id, "filename": c.chunk.filename,
                      "page": c.chunk.page, "section": c.chunk.section, "chunk_id": c.chunk.id,
                      "span": list(c.span) if c.span else None} for c in answer.citations]
        with self.session() as s, s.begin():
            row = AnswerLogRow(user_id=user_id, question=question,
                               search_query=answer.search_query or question, answer=answer.answer,
                               mode=answer.mode, refused=not answer.citations, citations=citations,
                               model=answer.model,
                               timings={k: round(v, 1) for k, v in answer.timings_ms.items()})
            s.add(row)
            s.flush()
            return row.id

    def rate_answer(self, answer_id: int, user_id: int, rating: int, comment: str | None) -> bool:
        """The asker's thumbs up (+1) or down (-1) and comment; False if the answer is not theirs
        (or does not exist). Rating again replaces the rating."""
        with self.session() as s, s.begin():
            row = s.get(AnswerLogRow, answer_id)
            if row is None or row.user_id != user_id:
                return False
            row.rating, row.comment, row.rated_at = rating, comment, utcnow()
            return True

    def rated_answers(self, rating: int | None = None, limit: int = 1000) -> list[tuple[AnswerLogRow, str | None]]:
        """Rated answers, newest first, with the asker's name; only one ``rating`` if given."""
        query = (select(AnswerLogRow, UserRow.name)
                 .outerjoin(UserRow, UserRow.id == AnswerLogRow.user_id)
                 .where(AnswerLogRow.rating.is_not(None))
                 .order_by(AnswerLogRow.rated_at.desc()).limit(limit))
        if rating is not None:
            query = query.where(AnswerLogRow.rating == rating)
        with self.session() as s:
            return [(row, name) for row, name in s.execute(query)]

    def answers_since(self, since) -> list[AnswerLogRow]:
        with self.session() as s:
            return list(s.scalars(select(AnswerLogRow).where(AnswerLogRow.created_at >= since)
                                  .order_by(AnswerLogRow.created_at)))

    def document_growth(self) -> list[tuple]:
        """(added at, chunks) of every document."""
        with self.session() as s:
            return list(s.execute(select(DocumentRow.created_at, func.count(ChunkRow.id))
                                  .outerjoin(ChunkRow, ChunkRow.document_id == DocumentRow.id)
                                  .group_by(DocumentRow.id, DocumentRow.created_at)))

    def count_users(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count(UserRow.id))) or 0

    def add_key(self, user_id: int, label: str, prefix: str, secret_hash: str) -> ApiKeyRow:
        with self.session() as s, s.begin():
            key = ApiKeyRow(user_id=user_id, label=label, prefix=prefix, secret_hash=secret_hash)
            s.add(key)
            return key

    def key_and_user(self, prefix: str) -> tuple[ApiKeyRow, UserRow | None] | None:
        """The key with this prefix and its user, in one query (every API request asks)."""
        with self.session() as s:
            row = s.execute(select(ApiKeyRow, UserRow).outerjoin(UserRow, UserRow.id == ApiKeyRow.user_id)
                            .where(ApiKeyRow.prefix == prefix)).first()
            return (row[0], row[1]) if row is not None else None

    def list_keys(self, user_id: int | None = None) -> list[ApiKeyRow]:
        with self.session() as s:
            q = select(ApiKeyRow).order_by(ApiKeyRow.id)
            if user_id is not None:
                q = q.where(ApiKeyRow.user_id == user_id)
            return list(s.scalars(q))

    def revoke_key(self, key_id: int) -> ApiKeyRow | None:
        with self.session() as s, s.begin():
            key = s.get(ApiKeyRow, key_id)
            if key is not None and key.revoked_at is None:
                key.revoked_at = utcnow()
            return key

    # jobs --------------------------------------------------------------------
    def create_job(self, job_id: str, files: list[dict]) -> None:
        with self.session() as s, s.begin():
            s.add(JobRow(id=job_id, status="queued", files=files))

    def update_job(self, job_id: str, status: str, files: list[dict] | None = None) -> None:
        with self.session() as s, s.begin():
            job = s.get(JobRow, job_id)
            if job is None:
                return
            job.status = status
            job.heartbeat_at = utcnow()
            if files is not None:
                job.files = files
            if status in ("done", "failed"):
                job.finished_at = utcnow()

    def touch_job(self, job_id: str) -> None:
        """The running job's worker is alive."""
        with self.session() as s, s.begin():
            s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.status == "running")
                      .values(heartbeat_at=utcnow()))

    def claim_job(self, stale_after_seconds: float) -> str | None:
        """Take the oldest queued job (or a running one whose worker stopped beating) for this
        worker; None when there is none. On PostgreSQL the candidate row is locked with
        ``FOR UPDATE SKIP LOCKED`` so concurrent workers pass each other; on every engine the
        claim is a conditional update, so two workers never both get one job."""
        stale = utcnow() - timedelta(seconds=stale_after_seconds)
        claimable = or_(JobRow.status == "queued",
                        and_(JobRow.status == "running",
                             or_(JobRow.heartbeat_at.is_(None), JobRow.heartbeat_at < stale)))
        with self.session() as s, s.begin():
            job = s.execute(select(JobRow.id, JobRow.status, JobRow.heartbeat_at).where(claimable)
                            .order_by(JobRow.created_at).limit(1)
                            .with_for_update(skip_locked=True)).first()
            if job is None:
                return None
            claimed = s.execute(
                update(JobRow).where(JobRow.id == job.id, JobRow.status == job.status,
                                     JobRow.heartbeat_at.is_(None) if job.heartbeat_at is None
                                     else JobRow.heartbeat_at == job.heartbeat_at)
                .values(status="running", heartbeat_at=utcnow()))
            return job.id if claimed.rowcount == 1 else None

    def unfinished_job_ids(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(
                select(JobRow.id).where(JobRow.status.in_(("queued", "running"))).order_by(JobRow.created_at)
            ))

    def get_job(self, job_id: str) -> JobRow | None:
        with self.session() as s:
            return s.get(JobRow, job_id)


def _record(c: ChunkRow, filename: str) -> ChunkRecord:
    return ChunkRecord(
        id=c.id, document_id=c.document_id, filename=filename, text=c.text,
        page=c.page, section=c.section, ordinal=c.ordinal,
    )
