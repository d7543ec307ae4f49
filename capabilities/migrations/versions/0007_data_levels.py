"""English description of each status level

Issue 10: the level choice shows each level's description in the page's language. A separate
revision because 0003_data had already landed (and later revisions build on it) when this was
added; databases upgraded past 0003_data must get the column too.

Revision ID: 0007_data_levels
Revises: 0006_deadlines
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_data_levels"
down_revision = "0006_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_levels") as batch_op:
        batch_op.add_column(sa.Column("description_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_levels") as batch_op:
        batch_op.drop_column("description_en")
