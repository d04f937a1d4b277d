"""Alembic environment: migrations run on the connection that ``migrate()`` hands over."""

from alembic import context

from backend.storage.models import Base

connection = context.config.attributes["connection"]
# batch mode: SQLite cannot ALTER most things, so a changed table is rebuilt and copied
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
