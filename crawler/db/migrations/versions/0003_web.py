"""web app: users, sessions, sign-in throttle, audit log, case assignments, takedowns

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False, comment="sign-in name"),
        sa.Column(
            "password_hash", sa.String(length=300), nullable=False, comment="argon2id, PHC string"
        ),
        sa.Column(
            "role", sa.String(length=16), nullable=False, comment="viewer | reviewer | admin"
        ),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("last_login_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("name", name=op.f("uq_web_users_name")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False, comment="SHA-256 of the token"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "csrf",
            sa.String(length=64),
            nullable=False,
            comment="the CSRF token of this session's forms",
        ),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("seen_at", STAMP, nullable=False, comment="last request (idle expiry)"),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_users.id"],
            name=op.f("fk_web_sessions_user_id_web_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    op.create_table(
        "web_login_throttle",
        sa.Column("key", sa.String(length=300), nullable=False, comment="user:NAME or addr:IP"),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", STAMP, nullable=True),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_web_login_throttle")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", STAMP, nullable=False),
        sa.Column(
            "actor",
            sa.String(length=200),
            nullable=False,
            comment="user name (as typed, for failures)",
        ),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column(
            "action",
            sa.String(length=64),
            nullable=False,
            comment="login, login-failed, decide, note…",
        ),
        sa.Column("target", sa.String(length=300), nullable=False, comment="case number, file…"),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_table(
        "case_assignments",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=False, comment="web user name"),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_assignments_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_assignments")),
    )
    op.create_table(
        "takedowns",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column(
            "route",
            sa.String(length=300),
            nullable=False,
            comment="where it was reported: form, e-mail, partner channel",
        ),
        sa.Column("reference", sa.String(length=200), nullable=False, comment="platform's number"),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False, comment="none|removed|refused"),
        sa.Column("answer_by", sa.Date(), nullable=True, comment="PR expects an answer by then"),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_takedowns_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_takedowns")),
    )


def downgrade() -> None:
    op.drop_table("takedowns")
    op.drop_table("case_assignments")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("web_login_throttle")
    op.drop_table("web_sessions")
    op.drop_table("web_users")
