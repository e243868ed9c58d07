"""safety reviews: a red flag stands until a clinician records what was done

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import painpath.store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("morning_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signs", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("flags", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("highest_tier", sa.String(length=16), nullable=True))

    op.create_table(
        "safety_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("morning_check_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("programme_may_resume", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(assessment_id IS NULL) <> (morning_check_id IS NULL)",
            name=op.f("ck_safety_reviews_one_subject"),
        ),
        sa.CheckConstraint(
            "outcome IN ('emergency_care', 'urgent_care', 'specialist_referral', "
            "'assessed_in_clinic', 'advice_given', 'other')",
            name=op.f("ck_safety_reviews_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_safety_reviews_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["morning_check_id"],
            ["morning_checks.id"],
            name=op.f("fk_safety_reviews_morning_check_id_morning_checks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_safety_reviews_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_safety_reviews_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_reviews")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_safety_reviews_assessment_id")),
        sa.UniqueConstraint(
            "morning_check_id", name=op.f("uq_safety_reviews_morning_check_id")
        ),
    )
    with op.batch_alter_table("safety_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_reviews_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("safety_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_reviews_patient_id"))
    op.drop_table("safety_reviews")
    with op.batch_alter_table("morning_checks", schema=None) as batch_op:
        batch_op.drop_column("highest_tier")
        batch_op.drop_column("flags")
        batch_op.drop_column("signs")
