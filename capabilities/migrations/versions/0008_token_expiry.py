"""optional expiry date on API tokens

Revision ID: 0008_token_expiry
Revises: 0007_data_levels
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_token_expiry"
down_revision = "0007_data_levels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_on")
