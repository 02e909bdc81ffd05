"""many districts in one database: case numbers and counters per district, quota ledgers per
API key, the districts a web user may see

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-20 10:00:00

Every district-owned table already carries ``district_id`` (since 0001). This revision makes
what was global per district, and upgrades a one-district database in place with its data:

* ``case_counters`` is keyed by (district, prefix); existing counters go to the database's
  district (the first, and only, one);
* case numbers are unique per district (``uq_cases_district_number``), not across the database;
* ``api_usage`` gains ``key_fp`` (a fingerprint of the API key, never the key): a ledger per
  API key; existing rows keep their counts under ``''`` (the key in use is not known here, the
  first charge under a key starts its own row);
* ``web_users.districts``: the keys a user may see (empty: all).

SQLite rebuilds ``cases`` and ``api_usage`` (batch mode); :func:`crawler.db.upgrade` switches
foreign-key enforcement off around migrations there so the rebuild cascades nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _counters(with_district: bool) -> sa.Table:
    cols: list[sa.schema.SchemaItem] = [
        sa.Column("prefix", sa.String(length=32), nullable=False, comment="e.g. ABCE-2026"),
        sa.Column("last", sa.Integer(), nullable=False),
    ]
    if with_district:
        cols.insert(0, sa.Column("district_id", sa.Integer(), nullable=False))
        return op.create_table(
            "case_counters",
            *cols,
            sa.ForeignKeyConstraint(
                ["district_id"],
                ["districts.id"],
                name=op.f("fk_case_counters_district_id_districts"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("district_id", "prefix", name=op.f("pk_case_counters")),
        )
    return op.create_table(
        "case_counters", *cols, sa.PrimaryKeyConstraint("prefix", name=op.f("pk_case_counters"))
    )


def upgrade() -> None:
    bind = op.get_bind()
    # case_counters: a handful of rows, rebuilt keyed by district
    first = bind.execute(sa.text("SELECT MIN(id) FROM districts")).scalar()
    rows = bind.execute(sa.text("SELECT prefix, last FROM case_counters")).all()
    op.drop_table("case_counters")
    table = _counters(with_district=True)
    if first is not None and rows:
        op.bulk_insert(
            table, [{"district_id": first, "prefix": p, "last": last} for p, last in rows]
        )

    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_number", type_="unique")
        batch.create_unique_constraint("uq_cases_district_number", ["district_id", "number"])
        batch.alter_column(
            "number",
            existing_type=sa.String(length=64),
            existing_nullable=False,
            comment="ABCE-YYYY-NNNN, unique per district",
            existing_comment="ABCE-YYYY-NNNN",
        )

    with op.batch_alter_table("api_usage") as batch:
        batch.add_column(
            sa.Column(
                "key_fp",
                sa.String(length=16),
                nullable=False,
                server_default="",
                comment="first 12 hex digits of the API key's SHA-256 (never the key); '' for no key",
            )
        )
        batch.drop_constraint("uq_api_usage_source_bucket_period", type_="unique")
        batch.create_unique_constraint(
            "uq_api_usage_source_key_bucket_period", ["source", "key_fp", "bucket", "period"]
        )

    with op.batch_alter_table("web_users") as batch:
        batch.add_column(
            sa.Column(
                "districts",
                sa.JSON(),
                nullable=False,
                server_default=sa.text("'[]'"),
                comment="keys of the districts the user may see; empty: all",
            )
        )


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("web_users") as batch:
        batch.drop_column("districts")
    with op.batch_alter_table("api_usage") as batch:
        batch.drop_constraint("uq_api_usage_source_key_bucket_period", type_="unique")
        batch.drop_column("key_fp")
        batch.create_unique_constraint(
            "uq_api_usage_source_bucket_period", ["source", "bucket", "period"]
        )
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_district_number", type_="unique")
        batch.create_unique_constraint("uq_cases_number", ["number"])
    rows = bind.execute(
        sa.text("SELECT prefix, MAX(last) FROM case_counters GROUP BY prefix")
    ).all()
    op.drop_table("case_counters")
    table = _counters(with_district=False)
    if rows:
        op.bulk_insert(table, [{"prefix": p, "last": last} for p, last in rows])
