"""assignments as the report states them, link citations, withdrawn assessments

Issue 10: assignment status source, recipient role (mottagare / samarbetspart), report dates as
printed and final-report flag with their seed source, milestone done date and source, each
Bilaga 3 link's citation as printed, and withdrawal of a status assessment (who, when, why).

Revision ID: 0003_data
Revises: 0002_rounds
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_data"
down_revision = "0002_rounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.add_column(sa.Column("status_source", sa.String(length=200), nullable=True))
    with op.batch_alter_table("assignment_recipients") as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), nullable=False, server_default="mottagare")
        )
        batch_op.create_check_constraint(
            op.f("ck_assignment_recipients_role"), "role IN ('mottagare', 'samarbetspart')"
        )
    with op.batch_alter_table("assignment_reports") as batch_op:
        batch_op.add_column(sa.Column("reported_printed", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("is_final", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.add_column(sa.Column("done_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
    with op.batch_alter_table("capability_assignments") as batch_op:
        batch_op.add_column(sa.Column("cited_as", sa.Text(), nullable=True))
    with op.batch_alter_table("status_assessments") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_status_assessments_withdrawn_by_id_users"),
            "users",
            ["withdrawn_by_id"],
            ["id"],
        )
    # Server defaults only fill existing rows; the models set the values themselves.
    with op.batch_alter_table("assignment_recipients") as batch_op:
        batch_op.alter_column("role", server_default=None)
    with op.batch_alter_table("assignment_reports") as batch_op:
        batch_op.alter_column("is_final", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("status_assessments") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_status_assessments_withdrawn_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("capability_assignments") as batch_op:
        batch_op.drop_column("cited_as")
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("done_on")
    with op.batch_alter_table("assignment_reports") as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("is_final")
        batch_op.drop_column("reported_printed")
    with op.batch_alter_table("assignment_recipients") as batch_op:
        batch_op.drop_constraint(op.f("ck_assignment_recipients_role"), type_="check")
        batch_op.drop_column("role")
