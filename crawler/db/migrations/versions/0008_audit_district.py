"""the audit log names the district each entry concerns

Revision ID: 0008
Revises: 0007
Create Date: 2027-02-01 10:00:00

``audit_log.district``: the key of the district the action concerned (a decision, a note, an
import, a search or a scan of that district); empty for what concerns no district (a sign-in
before one is chosen). A key, not a foreign key: the log outlives a district that is removed.
An existing database upgrades in place: its entries are all of its only district, so they get
that district's key (in a database of several districts, which only 0006 made possible, the
older entries stay empty: which district they concerned was not recorded).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(
            sa.Column(
                "district",
                sa.String(length=64),
                nullable=True,
                comment="key of the district the action concerned; empty: none",
            )
        )
        batch.create_index("ix_audit_log_district", ["district"])
    bind = op.get_bind()
    keys = bind.execute(sa.text("SELECT key FROM districts")).scalars().all()
    if len(keys) == 1:
        bind.execute(
            sa.text("UPDATE audit_log SET district = :key WHERE district IS NULL"), {"key": keys[0]}
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_district")
        batch.drop_column("district")
