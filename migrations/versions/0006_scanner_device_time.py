"""capture receipts keep a fast device clock's time

Revision ID: 0006_scanner
Revises: 0005
Create Date: 2026-12-07 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_scanner'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('capture_receipt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_time', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('capture_receipt', schema=None) as batch_op:
        batch_op.drop_column('device_time')
