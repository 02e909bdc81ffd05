"""api_usage: API quota use per source, bucket and period, kept across scans

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_usage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False, comment="youtube | brave"),
        sa.Column(
            "bucket",
            sa.String(length=32),
            nullable=False,
            comment="search_calls | units | requests",
        ),
        sa.Column(
            "period",
            sa.String(length=16),
            nullable=False,
            comment="YYYY-MM-DD (Pacific day) or YYYY-MM (UTC month)",
        ),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column(
            "exhausted",
            sa.Boolean(),
            nullable=False,
            comment="the API answered that the quota is used up",
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_usage")),
        sa.UniqueConstraint("source", "bucket", "period", name="uq_api_usage_source_bucket_period"),
    )


def downgrade() -> None:
    op.drop_table("api_usage")
