"""idempotency keys are per patient: two people's forms may carry the same key

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("instrument_responses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_instrument_responses_submission_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_instrument_responses_patient_key", ["patient_id", "submission_key"]
        )
    with op.batch_alter_table("exercise_logs", schema=None) as batch_op:
        batch_op.drop_constraint("uq_exercise_logs_submission_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_exercise_logs_programme_key", ["programme_id", "submission_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("exercise_logs", schema=None) as batch_op:
        batch_op.drop_constraint("uq_exercise_logs_programme_key", type_="unique")
        batch_op.create_unique_constraint("uq_exercise_logs_submission_key", ["submission_key"])
    with op.batch_alter_table("instrument_responses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_instrument_responses_patient_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_instrument_responses_submission_key", ["submission_key"]
        )
