"""warning signs are never dropped: a second morning check with a sign is kept, and a
check-in that goes on after a review can be reviewed again

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("morning_checks", schema=None) as batch_op:
        batch_op.drop_constraint("uq_morning_checks_programme_day", type_="unique")
    op.create_index(
        "uq_morning_checks_programme_day_plain",
        "morning_checks",
        ["programme_id", "day"],
        unique=True,
        sqlite_where=sa.text("warning_sign = 0"),
        postgresql_where=sa.text("NOT warning_sign"),
    )
    with op.batch_alter_table("safety_reviews", schema=None) as batch_op:
        batch_op.drop_constraint("uq_safety_reviews_assessment_id", type_="unique")
        batch_op.drop_constraint("uq_safety_reviews_morning_check_id", type_="unique")
        batch_op.create_index(
            batch_op.f("ix_safety_reviews_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safety_reviews_morning_check_id"), ["morning_check_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("safety_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_reviews_morning_check_id"))
        batch_op.drop_index(batch_op.f("ix_safety_reviews_assessment_id"))
        batch_op.create_unique_constraint(
            "uq_safety_reviews_morning_check_id", ["morning_check_id"]
        )
        batch_op.create_unique_constraint("uq_safety_reviews_assessment_id", ["assessment_id"])
    op.drop_index("uq_morning_checks_programme_day_plain", table_name="morning_checks")
    with op.batch_alter_table("morning_checks", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_morning_checks_programme_day", ["programme_id", "day"]
        )
