"""queue attributes on cases; composite indexes for the queue's EXISTS filters

The case-management queue filtered and sorted on intake columns, so every page joined each
open case to its intake and counted over that join: over 100 ms per page at 100,000 intakes,
and 20 s on SQLite with a goal filter, which probed ix_case_goals_code per candidate case.
Cases now carry copies of the intake's language, urgency rank, district and time (an intake
is never edited), and goals and referrals are indexed by (case_id, code/target).

Revision ID: 3c1f0a9d5b62
Revises: 7e4537128d07
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3c1f0a9d5b62"
down_revision = "7e4537128d07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("urgency_rank", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("district", sa.String(length=64), nullable=True))

    # Backfill from the intakes; a case's time becomes its intake's (they differed by the
    # milliseconds between the two inserts of one request).
    op.execute(
        """
        UPDATE cases SET
            language = (SELECT intakes.language FROM intakes WHERE intakes.id = cases.id),
            urgency_rank = (SELECT intakes.urgency_rank FROM intakes WHERE intakes.id = cases.id),
            district = (SELECT intakes.district FROM intakes WHERE intakes.id = cases.id),
            created_at = (SELECT intakes.created_at FROM intakes WHERE intakes.id = cases.id)
        """
    )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("language", existing_type=sa.String(length=8), nullable=False)
        batch_op.alter_column("urgency_rank", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_cases_language"), ["language"], unique=False)
        batch_op.create_index("ix_cases_queue_order", ["urgency_rank", "created_at"], unique=False)

    with op.batch_alter_table("case_goals", schema=None) as batch_op:
        batch_op.create_index("ix_case_goals_case_id_code", ["case_id", "code"], unique=False)
        batch_op.drop_index("ix_case_goals_case_id")

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referrals_case_id_target", ["case_id", "target"], unique=False)
        batch_op.drop_index("ix_referrals_case_id")


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referrals_case_id", ["case_id"], unique=False)
        batch_op.drop_index("ix_referrals_case_id_target")

    with op.batch_alter_table("case_goals", schema=None) as batch_op:
        batch_op.create_index("ix_case_goals_case_id", ["case_id"], unique=False)
        batch_op.drop_index("ix_case_goals_case_id_code")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_queue_order")
        batch_op.drop_index(batch_op.f("ix_cases_language"))
        batch_op.drop_column("district")
        batch_op.drop_column("urgency_rank")
        batch_op.drop_column("language")
