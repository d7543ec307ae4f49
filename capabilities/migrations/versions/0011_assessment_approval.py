"""status_assessments.approved_by_id, round_id: an approved round entry keeps its author

An assessment approved in a reporting round was recorded with the reviewer as its author
(created_by). From now on created_by is the member who wrote it, and the reviewer and the round
are recorded beside it. Existing approved assessments (linked from round_entries) are put
right the same way: the reviewer moves to approved_by_id, the entry's author to created_by_id.

Revision ID: 0011_assessment_approval
Revises: 0010_milestone_confirmation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_assessment_approval"
down_revision = "0010_milestone_confirmation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_assessments") as batch:
        batch.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_status_assessments_approved_by_id_users"), "users", ["approved_by_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_status_assessments_round_id_reporting_rounds"),
            "reporting_rounds",
            ["round_id"],
            ["id"],
        )
    assessments = sa.table(
        "status_assessments",
        sa.column("id", sa.Integer()),
        sa.column("created_by_id", sa.Integer()),
        sa.column("approved_by_id", sa.Integer()),
        sa.column("round_id", sa.Integer()),
    )
    entries = sa.table(
        "round_entries",
        sa.column("round_id", sa.Integer()),
        sa.column("updated_by_id", sa.Integer()),
        sa.column("approved_assessment_id", sa.Integer()),
    )

    def of_entry(column: sa.ColumnClause[int]) -> sa.ScalarSelect[int]:
        return (
            sa.select(column)
            .where(entries.c.approved_assessment_id == assessments.c.id)
            .scalar_subquery()
        )

    approved = assessments.c.id.in_(
        sa.select(entries.c.approved_assessment_id).where(
            entries.c.approved_assessment_id.is_not(None)
        )
    )
    # One statement: every right-hand side reads the row as it was.
    op.execute(
        assessments.update()
        .where(approved)
        .values(
            approved_by_id=assessments.c.created_by_id,
            round_id=of_entry(entries.c.round_id),
            created_by_id=of_entry(entries.c.updated_by_id),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("status_assessments") as batch:
        batch.drop_constraint(
            op.f("fk_status_assessments_round_id_reporting_rounds"), type_="foreignkey"
        )
        batch.drop_constraint(
            op.f("fk_status_assessments_approved_by_id_users"), type_="foreignkey"
        )
        batch.drop_column("round_id")
        batch.drop_column("approved_by_id")
