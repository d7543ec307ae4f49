"""actors.source: where the seeds name the actor

Revision ID: 0009_actor_source
Revises: 0008_token_expiry
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_actor_source"
down_revision = "0008_token_expiry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("actors") as batch:
        batch.add_column(sa.Column("source", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("actors") as batch:
        batch.drop_column("source")
