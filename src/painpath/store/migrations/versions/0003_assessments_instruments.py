"""assessments, instrument responses, licensed instrument text

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import painpath.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instrument_texts",
        sa.Column("instrument", sa.String(length=32), nullable=False),
        sa.Column("questionnaire", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("instrument", name=op.f("pk_instrument_texts")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("highest_tier", sa.String(length=16), nullable=True),
        sa.Column("content_version", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "entered_as",
            sa.Enum(
                "patient", "clinician", "admin", name="entered_as", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("completed_at", painpath.store.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('in_progress', 'stopped', 'complete')",
            name=op.f("ck_assessments_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_assessments_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_assessments_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessments_patient_created", ["patient_id", "created_at"], unique=False
        )

    op.create_table(
        "instrument_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=32), nullable=False),
        sa.Column("responses", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("score", sa.JSON(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rule_version", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("content_version", sa.String(length=32), nullable=False),
        sa.Column("administered_on", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "source IN ('paper', 'questionnaire')",
            name=op.f("ck_instrument_responses_source_known"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_instrument_responses_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_instrument_responses_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_responses")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_instrument_responses_submission_key")),
    )
    with op.batch_alter_table("instrument_responses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instrument_responses_patient",
            ["patient_id", "instrument", "administered_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("instrument_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_instrument_responses_patient")

    op.drop_table("instrument_responses")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_patient_created")

    op.drop_table("assessments")
    op.drop_table("instrument_texts")
