"""programmes, items, changes, exercise logs, morning checks, templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import painpath.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programme_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_programme_templates_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_templates")),
    )
    with op.batch_alter_table("programme_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_templates_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("baseline_morning_pain", sa.Integer(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("content_version", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'ended')", name=op.f("ck_programmes_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_programmes_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_programmes_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_programmes_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index("ix_programmes_patient", ["patient_id", "status"], unique=False)

    op.create_table(
        "morning_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("stiffness", sa.Integer(), nullable=True),
        sa.Column("warning_sign", sa.Boolean(), nullable=False),
        sa.Column("logged_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name=op.f("ck_morning_checks_pain_range")),
        sa.CheckConstraint(
            "stiffness BETWEEN 0 AND 10", name=op.f("ck_morning_checks_stiffness_range")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_morning_checks_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_morning_checks")),
        sa.UniqueConstraint("programme_id", "day", name="uq_morning_checks_programme_day"),
    )
    op.create_table(
        "programme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("dosage", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_items_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_items")),
    )
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_programme_items_programme", ["programme_id", "position"], unique=False
        )

    op.create_table(
        "exercise_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("pain_during", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("logged_at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "pain_after BETWEEN 0 AND 10", name=op.f("ck_exercise_logs_pain_after_range")
        ),
        sa.CheckConstraint(
            "pain_during BETWEEN 0 AND 10", name=op.f("ck_exercise_logs_pain_during_range")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["programme_items.id"],
            name=op.f("fk_exercise_logs_item_id_programme_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_exercise_logs_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_logs")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_exercise_logs_submission_key")),
    )
    with op.batch_alter_table("exercise_logs", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_logs_item_day", ["item_id", "day"], unique=False)

    op.create_table(
        "programme_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("at", painpath.store.types.UTCDateTime(), nullable=False),
        sa.Column("decision", sa.String(length=24), nullable=False),
        sa.Column("from_exercise", sa.String(length=64), nullable=True),
        sa.Column("to_exercise", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_programme_changes_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["programme_items.id"],
            name=op.f("fk_programme_changes_item_id_programme_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_changes_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_changes")),
    )
    with op.batch_alter_table("programme_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_changes_programme_id"), ["programme_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("programme_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_changes_programme_id"))

    op.drop_table("programme_changes")
    with op.batch_alter_table("exercise_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_logs_item_day")

    op.drop_table("exercise_logs")
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_items_programme")

    op.drop_table("programme_items")
    op.drop_table("morning_checks")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index("ix_programmes_patient")

    op.drop_table("programmes")
    with op.batch_alter_table("programme_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_templates_owner_id"))

    op.drop_table("programme_templates")
