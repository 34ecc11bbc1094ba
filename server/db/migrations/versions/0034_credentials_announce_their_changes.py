"""every change to who a credential lets in is announced on NOTIFY citybridge_credentials

Each node keeps the credentials it has looked up for a short while (server/auth/credential_cache.py),
so that a request need not read its session or token from PostgreSQL every time (issue 21). These
triggers tell every node, when the writing transaction commits, which user's credentials to forget:
whatever made the change (the app, an admin's psql session, a restore), nothing can leave a node
serving a revoked token or a deactivated account from memory.

What a cached look-up holds, and so what is announced (the payload is the user's id, or `*`):
- users: any change of the row (deactivation, an admin flag, two-factor, the profile shown by
  /api/me) or its deletion;
- sessions: their end (DELETE) or a change of expiry; not `last_used_at`, written as they are used;
- api_tokens: revocation, expiry and scopes, or their deletion; not `last_used_at`;
- cities: the two-factor rule (`require_totp`) of any city, as `*`: every user of it;
- TRUNCATE of any of them, as `*`.
A city's deletion sets its users' city to NULL, which is a users update, announced above.

PostgreSQL sends a transaction's notifications at commit and drops its duplicates, so a bulk change
(signing a user out everywhere) sends one per user.

Revision ID: 0034
Revises: 0033
"""

from alembic import op

revision = "0034"
down_revision = "0033"

ANNOUNCE = """
CREATE FUNCTION credentials_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' OR TG_TABLE_NAME = 'cities' THEN
        PERFORM pg_notify('citybridge_credentials', '*');
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('citybridge_credentials', COALESCE(NEW.id, OLD.id)::text);
    ELSE
        IF OLD.user_id IS NOT NULL THEN
            PERFORM pg_notify('citybridge_credentials', OLD.user_id::text);
        END IF;
        IF NEW.user_id IS NOT NULL THEN
            PERFORM pg_notify('citybridge_credentials', NEW.user_id::text);
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""

TRIGGERS = {
    "users": ["AFTER UPDATE ON users FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)", "AFTER DELETE ON users"],
    "sessions": ["AFTER UPDATE OF expires_at, user_id, token_hash ON sessions", "AFTER DELETE ON sessions"],
    "api_tokens": [
        "AFTER UPDATE OF revoked_at, expires_at, scopes, user_id, token_hash ON api_tokens",
        "AFTER DELETE ON api_tokens",
    ],
    "cities": ["AFTER UPDATE OF require_totp ON cities"],
}


def _row(when: str) -> str:
    return when if "FOR EACH ROW" in when else when + " FOR EACH ROW"


def upgrade() -> None:
    op.execute(ANNOUNCE)
    for table, whens in TRIGGERS.items():
        for n, when in enumerate(whens):
            op.execute(f"CREATE TRIGGER {table}_credentials_{n} {_row(when)} EXECUTE FUNCTION credentials_announce()")
        op.execute(
            f"CREATE TRIGGER {table}_credentials_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION credentials_announce()"
        )


def downgrade() -> None:
    for table, whens in TRIGGERS.items():
        for n in range(len(whens)):
            op.execute(f"DROP TRIGGER {table}_credentials_{n} ON {table}")
        op.execute(f"DROP TRIGGER {table}_credentials_truncate ON {table}")
    op.execute("DROP FUNCTION credentials_announce()")
