"""tracking: flare-ups, clinician notes and private calendar feeds

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import painpath.store.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flare_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("logged_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name=op.f("ck_flare_ups_pain_range")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_flare_ups_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flare_ups")),
        sa.UniqueConstraint("patient_id", "submission_key", name="uq_flare_ups_patient_key"),
    )
    op.create_index(
        "ix_flare_ups_patient_started", "flare_ups", ["patient_id", "started_on"], unique=False
    )
    op.create_table(
        "clinician_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_clinician_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_clinician_notes_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinician_notes")),
    )
    op.create_index(
        "ix_clinician_notes_patient_at",
        "clinician_notes",
        ["patient_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", painpath.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_calendar_feeds_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_feeds_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feeds_patient_id"))
    op.drop_table("calendar_feeds")
    op.drop_index("ix_clinician_notes_patient_at", table_name="clinician_notes")
    op.drop_table("clinician_notes")
    op.drop_index("ix_flare_ups_patient_started", table_name="flare_ups")
    op.drop_table("flare_ups")
