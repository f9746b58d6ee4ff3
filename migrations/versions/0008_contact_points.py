"""contact points and notes: the further emails and phones of a contact, and its own notes

Revision ID: 0008_contact_points
Revises: 0007_contact_uids
Create Date: 2026-12-13 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_contact_points'
down_revision = '0007_contact_uids'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('card_digest', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_contact_note_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_note_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_contact_note_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_note')),
    sa.UniqueConstraint('contact_id', 'card_digest', name=op.f('uq_contact_note_contact_id_card_digest')),
    sa.UniqueConstraint('public_id', name=op.f('uq_contact_note_public_id'))
    )
    with op.batch_alter_table('contact_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_note_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('email', 'phone', name='point_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('value', sa.String(length=254), nullable=False),
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_point_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_contact_point_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_point')),
    sa.UniqueConstraint('contact_id', 'kind', 'key', name=op.f('uq_contact_point_contact_id_kind_key'))
    )
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.create_index('ix_contact_point_organization_id_kind_key', ['organization_id', 'kind', 'key'], unique=False)



def downgrade():
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_point_organization_id_kind_key')

    op.drop_table('contact_point')
    with op.batch_alter_table('contact_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_note_contact_id'))

    op.drop_table('contact_note')
