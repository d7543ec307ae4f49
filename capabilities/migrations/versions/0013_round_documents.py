"""round_documents: a closed round's PDF and xlsx, rendered once and served from storage

Revision ID: 0013_round_documents
Revises: 0012_assignment_decided_printed
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_round_documents"
down_revision = "0012_assignment_decided_printed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "round_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("format IN ('pdf', 'xlsx')", name=op.f("ck_round_documents_format")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_round_documents_round_id_reporting_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_documents")),
        sa.UniqueConstraint(
            "round_id", "format", "fingerprint", name=op.f("uq_round_documents_round_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("round_documents")
