"""milestones.confirmed: a seeded deadline already past when seeded is unconfirmed

The register cannot know whether a deadline printed in a 2023 report was met. Such milestones
are "Ej bekräftad" until an admin records the delivery or confirms that it was missed; only
then, or for milestones made in the register, does a past date count as overdue.

Revision ID: 0010_milestone_confirmation
Revises: 0009_actor_source
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0010_milestone_confirmation"
down_revision = "0009_actor_source"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("milestones") as batch:
        batch.add_column(
            sa.Column("confirmed", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    milestones = sa.table(
        "milestones",
        sa.column("confirmed", sa.Boolean()),
        sa.column("is_done", sa.Boolean()),
        sa.column("source", sa.String()),
        sa.column("due_on", sa.Date()),
    )
    # Seeded (they carry their seed line), past and with no delivery recorded by anyone.
    op.execute(
        milestones.update()
        .where(
            milestones.c.source.is_not(None),
            milestones.c.is_done.is_(False),
            milestones.c.due_on < date.today(),
        )
        .values(confirmed=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("milestones") as batch:
        batch.drop_column("confirmed")
