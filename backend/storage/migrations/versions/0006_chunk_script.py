"""Chunks record whether they are written mainly in CJK script, so that retrieval can tell a
passage in another language than the question without reading its text.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from backend.rag.text import mostly_cjk

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: SQLite's batch mode would copy the table and lose its AUTOINCREMENT
    op.add_column("chunks", sa.Column("cjk", sa.Boolean, nullable=False, server_default=sa.false()))
    chunks = sa.table("chunks", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                      sa.column("cjk", sa.Boolean))
    bind = op.get_bind()
    last = 0
    while True:  # in batches: a collection of a million chunks need not fit in memory
        rows = bind.execute(sa.select(chunks.c.id, chunks.c.text).where(chunks.c.id > last)
                            .order_by(chunks.c.id).limit(5000)).all()
        if not rows:
            break
        cjk = [i for i, text in rows if mostly_cjk(text)]
        if cjk:
            bind.execute(sa.update(chunks).where(chunks.c.id.in_(cjk)).values(cjk=True))
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("chunks") as batch:
        batch.drop_column("cjk")
