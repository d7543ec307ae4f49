"""assignments.decided_printed: a decision date as printed when the seed gives only a month

Seed 002 says the beredskapsapotek assignment was given "i juli 2022" (002:2559): the month is
a fact, a day would be invented. decided_on stays empty; decided_printed keeps "juli 2022".

Revision ID: 0012_assignment_decided_printed
Revises: 0011_assessment_approval
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_assignment_decided_printed"
down_revision = "0011_assessment_approval"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("decided_printed", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("decided_printed")
