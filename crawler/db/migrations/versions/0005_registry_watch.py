"""the registry under watch: snapshots of registered accounts, acknowledgements, case relations

Revision ID: 0005
Revises: 0004
Create Date: 2027-02-01 10:00:00

* ``registry_snapshots``: how each registered account looked in each scan that observed it
  (kept bounded: the last N per account and every one that differed);
* ``registry_acknowledgements``: PR acknowledged a finding (quiet until the account changes);
* ``sightings.profile``: the profile facts each sighting carried (the snapshots' source);
* ``cases.related_cases``: earlier cases an account re-emerges from.

Self-contained: only adds tables and nullable columns, so existing rows keep their data.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("registered_id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("handle", sa.String(length=300), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("platform_id", sa.String(length=128), nullable=True),
        sa.Column("display_name", sa.String(length=500), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("avatar_hash", sa.String(length=64), nullable=True),
        sa.Column("followers", sa.Integer(), nullable=True),
        sa.Column("posts", sa.Integer(), nullable=True),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=True),
        sa.Column("page_state", sa.String(length=16), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "digest",
            sa.String(length=64),
            nullable=False,
            comment="hash of handle, name, bio, links, state: a change is a new digest",
        ),
        sa.Column(
            "changed",
            sa.Boolean(),
            nullable=False,
            comment="differs from the account's previous snapshot",
        ),
        sa.ForeignKeyConstraint(
            ["registered_id"],
            ["registered_accounts.id"],
            name="fk_registry_snapshots_registered_id_registered_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["scans.id"],
            name="fk_registry_snapshots_scan_id_scans",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_registry_snapshots_account_id_accounts",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_registry_snapshots"),
    )
    op.create_index(
        "ix_registry_snapshots_registered", "registry_snapshots", ["registered_id", "id"]
    )
    op.create_table(
        "registry_acknowledgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("registered_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "digest",
            sa.String(length=64),
            nullable=True,
            comment="the snapshot digest acknowledged (None: no snapshot)",
        ),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registered_id"],
            ["registered_accounts.id"],
            name="fk_registry_acknowledgements_registered_id_registered_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_registry_acknowledgements"),
    )
    op.add_column(
        "sightings",
        sa.Column(
            "profile",
            sa.JSON(),
            nullable=True,
            comment="profile facts of this sighting (name, bio, links, counts, state): the registry watch",
        ),
    )
    op.add_column(
        "cases",
        sa.Column(
            "related_cases",
            sa.JSON(),
            nullable=True,
            comment="ids of earlier cases this account re-emerges from (a taken-down account's copy)",
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("related_cases")
    with op.batch_alter_table("sightings") as batch:
        batch.drop_column("profile")
    op.drop_table("registry_acknowledgements")
    op.drop_index("ix_registry_snapshots_registered", table_name="registry_snapshots")
    op.drop_table("registry_snapshots")
