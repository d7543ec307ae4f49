"""reporting rounds: rounds, reviewers, area organisations, entries, approvals, snapshots

Revision ID: 0002_rounds
Revises: 0001
Create Date: 2026-11-29 23:59:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_rounds"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('öppen', 'stängd')", name=op.f("ck_reporting_rounds_status")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_reporting_rounds_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_reporting_rounds_closed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_rounds")),
        sa.UniqueConstraint("name", name=op.f("uq_reporting_rounds_name")),
    )
    op.create_index(
        "ix_reporting_rounds_one_open",
        "reporting_rounds",
        ["status"],
        unique=True,
        sqlite_where=sa.text("status = 'öppen'"),
        postgresql_where=sa.text("status = 'öppen'"),
    )
    op.create_table(
        "round_reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_round_reviewers_round_id_reporting_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_round_reviewers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_reviewers")),
        sa.UniqueConstraint("round_id", "user_id", name=op.f("uq_round_reviewers_round_id")),
    )
    op.create_index(
        op.f("ix_round_reviewers_round_id"), "round_reviewers", ["round_id"], unique=False
    )
    op.create_index(
        op.f("ix_round_reviewers_user_id"), "round_reviewers", ["user_id"], unique=False
    )
    op.create_table(
        "round_area_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_round_area_organisations_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_round_area_organisations_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_round_area_organisations_round_id_reporting_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_area_organisations")),
        sa.UniqueConstraint(
            "round_id",
            "area_id",
            "actor_id",
            name=op.f("uq_round_area_organisations_round_id"),
        ),
    )
    op.create_index(
        op.f("ix_round_area_organisations_round_id"),
        "round_area_organisations",
        ["round_id"],
        unique=False,
    )
    op.create_table(
        "round_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("capability_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("target_level", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("secrecy_ref", sa.String(length=80), nullable=True),
        sa.Column("content_version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=True),
        sa.Column("approved_assessment_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('utkast', 'inskickad', 'återremitterad', 'fastställd')",
            name=op.f("ck_round_entries_state"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_assessment_id"],
            ["status_assessments.id"],
            name=op.f("fk_round_entries_approved_assessment_id_status_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["capability_id"],
            ["capabilities.id"],
            name=op.f("fk_round_entries_capability_id_capabilities"),
        ),
        sa.ForeignKeyConstraint(
            ["level"], ["status_levels.level"], name=op.f("fk_round_entries_level_status_levels")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_round_entries_round_id_reporting_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_round_entries_submitted_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["target_level"],
            ["status_levels.level"],
            name=op.f("fk_round_entries_target_level_status_levels"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_round_entries_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_entries")),
        sa.UniqueConstraint("round_id", "capability_id", name=op.f("uq_round_entries_round_id")),
    )
    op.create_index(
        op.f("ix_round_entries_capability_id"), "round_entries", ["capability_id"], unique=False
    )
    op.create_table(
        "round_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("content_version", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "decision IN ('fastställd', 'återremitterad')",
            name=op.f("ck_round_approvals_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["round_entries.id"],
            name=op.f("fk_round_approvals_entry_id_round_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_round_approvals_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_approvals")),
    )
    op.create_index(
        op.f("ix_round_approvals_entry_id"), "round_approvals", ["entry_id"], unique=False
    )
    op.create_table(
        "round_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_round_snapshots_round_id_reporting_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_snapshots")),
        sa.UniqueConstraint("round_id", name=op.f("uq_round_snapshots_round_id")),
    )


def downgrade() -> None:
    op.drop_table("round_snapshots")
    op.drop_index(op.f("ix_round_approvals_entry_id"), table_name="round_approvals")
    op.drop_table("round_approvals")
    op.drop_index(op.f("ix_round_entries_capability_id"), table_name="round_entries")
    op.drop_table("round_entries")
    op.drop_index(
        op.f("ix_round_area_organisations_round_id"), table_name="round_area_organisations"
    )
    op.drop_table("round_area_organisations")
    op.drop_index(op.f("ix_round_reviewers_user_id"), table_name="round_reviewers")
    op.drop_index(op.f("ix_round_reviewers_round_id"), table_name="round_reviewers")
    op.drop_table("round_reviewers")
    op.drop_index("ix_reporting_rounds_one_open", table_name="reporting_rounds")
    op.drop_table("reporting_rounds")
