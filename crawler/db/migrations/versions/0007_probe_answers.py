"""incremental scans: the handle probe's definitive answers, kept between scans

Revision ID: 0007
Revises: 0006
Create Date: 2027-02-01 10:00:00

``probe_answers``: per district, platform and lower-cased candidate handle, whether the last
probe found an account there, and when. An incremental scan does not ask a candidate with an
answer on file again until its entity's next full sweep (README, "How a monthly scan saves
work").
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "probe_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column(
            "handle", sa.String(length=300), nullable=False, comment="lower-cased candidate handle"
        ),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name="fk_probe_answers_district_id_districts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name="fk_probe_answers_scan_id_scans", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_probe_answers"),
        sa.UniqueConstraint("district_id", "platform", "handle", name="uq_probe_answers_handle"),
    )


def downgrade() -> None:
    op.drop_table("probe_answers")
