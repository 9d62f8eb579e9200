"""review inbox: messages operators label for the assistant's training data

Items come from the assistant (below the fallback threshold, or ended in a handover) and
from case managers' changes of routing. The intake's optional consent to improve the
service (`consent_improve`) needs no column: `intakes.consent_improve_service` holds it.

Revision ID: 624de6c8e96d
Revises: 3c1f0a9d5b62
Create Date: 2026-12-01 16:39:56.901538
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '624de6c8e96d'
down_revision = '3c1f0a9d5b62'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('predicted_intent', sa.String(length=64), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('ranking', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('idempotency_ref', sa.String(length=64), nullable=True),
    sa.Column('conversation_ref', sa.String(length=64), nullable=True),
    sa.Column('routing_decision_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('accepted_intent', sa.String(length=64), nullable=True),
    sa.Column('written', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['routing_decision_id'], ['routing_decisions.id'], name=op.f('fk_review_items_routing_decision_id_routing_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_items')),
    sa.UniqueConstraint('idempotency_ref', name=op.f('uq_review_items_idempotency_ref'))
    )
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_items_conversation_ref'), ['conversation_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_items_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_review_items_inbox', ['status', 'language', 'predicted_intent', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_items_routing_decision_id'), ['routing_decision_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_items_routing_decision_id'))
        batch_op.drop_index('ix_review_items_inbox')
        batch_op.drop_index(batch_op.f('ix_review_items_created_at'))
        batch_op.drop_index(batch_op.f('ix_review_items_conversation_ref'))

    op.drop_table('review_items')
