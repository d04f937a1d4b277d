"""Users and API keys never reuse ids; tokens carry a per-user version; documents record who
uploaded them.

SQLite reuses the largest rowid after a delete unless the table says AUTOINCREMENT, so a
deleted user's id (and with it their old session tokens) could become the next user's.

Revision ID: 0002
Revises: 0001
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _rebuild() -> str:
    """recreate="always" is the only way to add AUTOINCREMENT to an existing SQLite table;
    PostgreSQL's sequences never hand out an id twice, and dropping its primary key to rebuild
    the table would fail on the foreign keys that depend on it."""
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    with op.batch_alter_table("users", recreate=_rebuild(),
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("token_version", sa.String(32), nullable=True))
    with op.batch_alter_table("api_keys", recreate=_rebuild(),
                              table_kwargs={"sqlite_autoincrement": True}):
        pass
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("token_version", sa.String))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(users.update().where(users.c.id == user_id)
                     .values(token_version=secrets.token_hex(8)))
    # a rebuild again (SQLite cannot change NOT NULL in place): it must keep AUTOINCREMENT
    with op.batch_alter_table("users", recreate=_rebuild(),
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("token_version", existing_type=sa.String(32), nullable=False)
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("uploaded_by", sa.String(128)))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("uploaded_by")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("token_version")
