"""procurement proposals, industry contacts, commitments; actor kind kunskapsstyrning

Revision ID: 0005_procurement
Revises: 0004_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_procurement"
down_revision = "0004_security"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "kind IN ('myndighet', 'region', 'kommun', 'branschorganisation', 'företag', "
    "'samverkansforum', 'internationell')"
)
NEW_KINDS = (
    "kind IN ('myndighet', 'region', 'kommun', 'branschorganisation', 'företag', "
    "'samverkansforum', 'internationell', 'kunskapsstyrning')"
)


def _link_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("actors") as batch:
        batch.drop_constraint(op.f("ck_actors_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_actors_kind"), NEW_KINDS)
    op.create_table(
        "procurement_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("proposing_group", sa.String(length=200), nullable=True),
        sa.Column("product", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=1), nullable=True),
        sa.Column("consensus", sa.String(length=3), nullable=True),
        sa.Column("consensus_note", sa.Text(), nullable=True),
        sa.Column("interested_regions", sa.JSON(), nullable=False),
        sa.Column("existing_contract", sa.String(length=6), nullable=True),
        sa.Column("contract_ends_on", sa.Date(), nullable=True),
        sa.Column("contract_note", sa.Text(), nullable=True),
        sa.Column("expected_need_per_year", sa.BigInteger(), nullable=True),
        sa.Column("expected_need", sa.Text(), nullable=True),
        sa.Column("preparedness_relevance", sa.Text(), nullable=True),
        sa.Column("health_economic_relevance", sa.String(length=3), nullable=True),
        sa.Column("health_economic_note", sa.Text(), nullable=True),
        sa.Column("external_health_data", sa.String(length=3), nullable=True),
        sa.Column("external_health_data_note", sa.Text(), nullable=True),
        sa.Column("consulted_procurement", sa.String(length=3), nullable=True),
        sa.Column("consulted_regions", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("procuring_body", sa.String(length=10), nullable=True),
        sa.Column("procuring_region", sa.String(length=60), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('forslag', 'inkopsfunktion', 'mtp_nsg', 'halsoekonomi', 'upphandling', "
            "'avtal', 'avslutat')",
            name=op.f("ck_procurement_proposals_stage"),
        ),
        sa.CheckConstraint(
            "category IN ('a', 'b')", name=op.f("ck_procurement_proposals_category")
        ),
        sa.CheckConstraint(
            "procuring_body IN ('region', 'adda', 'inera')",
            name=op.f("ck_procurement_proposals_procuring_body"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_procurement_proposals_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_procurement_proposals_measure_id_measures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_proposals")),
        sa.UniqueConstraint("measure_id", name=op.f("uq_procurement_proposals_measure_id")),
    )
    op.create_table(
        "proposal_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=False),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=60), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["procurement_proposals.id"],
            name=op.f("fk_proposal_steps_proposal_id_procurement_proposals"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_proposal_steps_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_steps")),
    )
    op.create_index(
        op.f("ix_proposal_steps_proposal_id"), "proposal_steps", ["proposal_id"], unique=False
    )
    op.create_table(
        "industry_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("benefits", sa.Text(), nullable=True),
        sa.Column("documented_in", sa.String(length=300), nullable=False),
        sa.Column("principles", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "form IN ('mote', 'digitalt_mote', 'skriftlig')", name=op.f("ck_industry_contacts_form")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_industry_contacts_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_industry_contacts_measure_id_measures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_contacts")),
    )
    op.create_index(
        op.f("ix_industry_contacts_measure_id"), "industry_contacts", ["measure_id"], unique=False
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("addressee", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=200), nullable=False),
        sa.Column("status_text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
        sa.UniqueConstraint("key", name=op.f("uq_commitments_key")),
    )
    for table, columns in (
        (
            "commitment_clauses",
            [
                sa.Column("number", sa.Integer(), nullable=False),
                sa.Column("text", sa.Text(), nullable=False),
                sa.Column("source", sa.String(length=40), nullable=False),
            ],
        ),
        (
            "commitment_facts",
            [
                sa.Column("text", sa.Text(), nullable=False),
                sa.Column("source", sa.String(length=40), nullable=False),
            ],
        ),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("commitment_id", sa.Integer(), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(
                ["commitment_id"],
                ["commitments.id"],
                name=op.f(f"fk_{table}_commitment_id_commitments"),
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_commitment_id"), table, ["commitment_id"], unique=False)
    op.create_table(
        "commitment_capabilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("capability_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *_link_columns(),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_commitment_capabilities_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["capability_id"],
            ["capabilities.id"],
            name=op.f("fk_commitment_capabilities_capability_id_capabilities"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_capabilities_commitment_id_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["users.id"],
            name=op.f("fk_commitment_capabilities_removed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_capabilities")),
    )
    for column in ("capability_id", "commitment_id"):
        op.create_index(
            op.f(f"ix_commitment_capabilities_{column}"),
            "commitment_capabilities",
            [column],
            unique=False,
        )


def downgrade() -> None:
    for table in (
        "commitment_capabilities",
        "commitment_facts",
        "commitment_clauses",
        "commitments",
        "industry_contacts",
        "proposal_steps",
        "procurement_proposals",
    ):
        op.drop_table(table)
    op.execute("DELETE FROM actors WHERE kind = 'kunskapsstyrning'")
    with op.batch_alter_table("actors") as batch:
        batch.drop_constraint(op.f("ck_actors_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_actors_kind"), OLD_KINDS)
