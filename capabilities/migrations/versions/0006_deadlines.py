"""deadlines: calendar feed tokens, e-mail reminder settings and the reminder log

Revision ID: 0006_deadlines
Revises: 0005_procurement
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_deadlines"
down_revision = "0005_procurement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="api", nullable=False)
        )
        batch_op.create_check_constraint(op.f("ck_api_tokens_kind"), "kind IN ('api', 'calendar')")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "reminder_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("task_key", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('open', 'due_soon', 'overdue')", name=op.f("ck_reminder_notices_state")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminder_notices_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_notices")),
        sa.UniqueConstraint(
            "user_id", "task_key", "state", "due_on", name=op.f("uq_reminder_notice")
        ),
    )
    with op.batch_alter_table("reminder_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_notices_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_notices_user_id"))
    op.drop_table("reminder_notices")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("reminders_enabled")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_kind"), type_="check")
        batch_op.drop_column("kind")
