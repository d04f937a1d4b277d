"""Schema migrations on a database made before they existed (``create_all`` of the old schema)."""

import sqlite3

from sqlalchemy import create_engine

from backend.storage import create_store

OLD_SCHEMA = """
CREATE TABLE documents (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, filename VARCHAR(512) NOT NULL,
  source_path VARCHAR(2048), content_hash VARCHAR(64) NOT NULL, doc_type VARCHAR(16) NOT NULL,
  size_bytes INTEGER NOT NULL, pages INTEGER, status VARCHAR(16) NOT NULL, error TEXT,
  access JSON NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);
CREATE TABLE chunks (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, document_id INTEGER NOT NULL
  REFERENCES documents (id) ON DELETE CASCADE, ordinal INTEGER NOT NULL, text TEXT NOT NULL,
  page INTEGER, section VARCHAR(512), char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
  token_count INTEGER NOT NULL);
CREATE TABLE jobs (id VARCHAR(32) NOT NULL PRIMARY KEY, status VARCHAR(16) NOT NULL, files JSON NOT NULL,
  created_at DATETIME NOT NULL, finished_at DATETIME);
CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL UNIQUE,
  password_hash VARCHAR(256), role VARCHAR(16) NOT NULL, groups JSON NOT NULL, created_at DATETIME NOT NULL);
CREATE TABLE api_keys (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id)
  ON DELETE CASCADE, label VARCHAR(128) NOT NULL, prefix VARCHAR(16) NOT NULL UNIQUE,
  secret_hash VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL, revoked_at DATETIME);
INSERT INTO users VALUES (1, 'ann', NULL, 'admin', '[]', '2026-01-01 00:00:00');
INSERT INTO users VALUES (2, 'bob', NULL, 'member', '["hr"]', '2026-01-01 00:00:00');
INSERT INTO api_keys VALUES (1, 2, 'bot', 'abc123', 'x', '2026-01-01 00:00:00', NULL);
"""


def test_an_old_database_is_upgraded_without_losing_keys_and_never_reuses_ids(tmp_path):
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(OLD_SCHEMA)
    store = create_store(f"sqlite:///{db}")
    sql = dict(sqlite3.connect(db).execute("SELECT name, sql FROM sqlite_master WHERE type='table'"))
    assert "AUTOINCREMENT" in sql["users"] and "AUTOINCREMENT" in sql["api_keys"]
    bob = store.get_user(name="bob")
    assert bob.groups == ["hr"] and len(bob.token_version) == 16
    assert [k.prefix for k in store.list_keys(bob.id)] == ["abc123"]  # no cascade on the rebuild
    # the largest id deleted is not handed out again
    store.delete_user("bob")
    assert store.add_user("cfo", "admin", [], None).id == 3
    # upgrading again is a no-op
    create_store(f"sqlite:///{db}")
    assert store.get_user(name="cfo").id == 3


def test_a_new_database_gets_the_newest_schema(tmp_path):
    store = create_store(f"sqlite:///{tmp_path / 'new.db'}")
    a = store.add_user("a", "member", [], None)
    store.delete_user("a")
    assert store.add_user("b", "member", [], None).id == a.id + 1
    with create_engine(f"sqlite:///{tmp_path / 'new.db'}").connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0006"


def test_chunks_of_an_old_database_learn_their_script(tmp_path):
    """Retrieval's cross-language rules read a chunk's script from a column: chunks stored
    before it existed get it from their text."""
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(OLD_SCHEMA)
        conn.execute("INSERT INTO documents VALUES (1, 'a.txt', NULL, 'h', 'txt', 1, NULL, 'ready',"
                     " NULL, '[\"public\"]', '2026-01-01', '2026-01-01')")
        for i, text in enumerate(["差旅報銷的住宿上限為每晚一百八十歐元。",
                                  "The hotel limit is 180 euros per night.",
                                  "設定 chunk_size = 512 與 overlap = 64 的方法"], start=1):
            conn.execute("INSERT INTO chunks VALUES (?, 1, ?, ?, NULL, NULL, 0, 1, 1)", (i, i, text))
    store = create_store(f"sqlite:///{db}")
    assert store.chunk_scripts() == [(1, True), (2, False), (3, True)]
    sql = dict(sqlite3.connect(db).execute("SELECT name, sql FROM sqlite_master WHERE type='table'"))
    assert "AUTOINCREMENT" in sql["chunks"]  # chunk ids are still never handed out twice
