"""contact uids: the identity of imported cards

Revision ID: 0007_contact_uids
Revises: 0006_scanner
Create Date: 2026-12-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_contact_uids'
down_revision = '0006_scanner'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_uid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_uid_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_contact_uid_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_uid')),
    sa.UniqueConstraint('organization_id', 'uid', name=op.f('uq_contact_uid_organization_id_uid'))
    )
    with op.batch_alter_table('contact_uid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_uid_contact_id'), ['contact_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_uid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_uid_contact_id'))

    op.drop_table('contact_uid')
