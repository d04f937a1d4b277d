"""Saved conversations: a user's conversations, each answer of the log under one of them.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_conversations_user_id", "conversations", ["user_id"])
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    with op.batch_alter_table("answers") as batch:  # SQLite adds a foreign key by copying
        batch.add_column(sa.Column("conversation_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_answers_conversation_id", "conversations",
                                 ["conversation_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_answers_conversation_id", ["conversation_id"])


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_index("ix_answers_conversation_id")
        batch.drop_constraint("fk_answers_conversation_id", type_="foreignkey")
        batch.drop_column("conversation_id")
    op.drop_table("conversations")
