"""registered_accounts: how and when each row's stable platform id was resolved

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-10 10:00:00

Registry rows keep the platform's stable id (YouTube channel id, Bluesky DID, Facebook page id,
Mastodon account id) in ``platform_id`` (since 0001); these columns say when and how it was
resolved, and what a scan tried when it could not be (the ``unresolved`` audit finding).
Existing rows keep their data: ids already stored came from the URL at import.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("resolve_error", "resolved_via", "resolved_at")


def upgrade() -> None:
    op.add_column(
        "registered_accounts",
        sa.Column(
            "resolved_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="when platform_id was last confirmed (import from the URL, or a scan)",
        ),
    )
    op.add_column(
        "registered_accounts",
        sa.Column(
            "resolved_via",
            sa.String(length=1000),
            nullable=True,
            comment="how platform_id was found: 'url', or the source and its request",
        ),
    )
    op.add_column(
        "registered_accounts",
        sa.Column(
            "resolve_error",
            sa.String(length=1000),
            nullable=True,
            comment="a scan tried to resolve the URL and could not: what it asked",
        ),
    )
    # ids already stored were read from the URL at import
    op.execute(
        sa.text(
            "UPDATE registered_accounts SET resolved_via = 'url', resolved_at = updated_at "
            "WHERE platform_id IS NOT NULL"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("registered_accounts") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
