"""a thread's last activity is set when the message's transaction commits

A post used to update its thread's row (last_activity_at) in the statement that inserted the
message, and so held the row's lock through the rest of the request: the event's insert, the
COMMIT's round trip and the waits for the server's event loop in between. Posts to one thread
queued behind each other for all of that: in `bench/load.py`, PostgreSQL showed on average 0.8
sessions waiting for that lock, and posts took twice as long as reads (issue 21). Now a deferred
constraint trigger on messages, run inside COMMIT, moves the thread's last activity forward to the
message's time. The lock is held from there to the end of the commit only.

Lock order: a post's message row is inserted before its event, so at commit this trigger (the
thread's row) runs before events_take_turn (the space's advisory lock, migration 0032), the order
in which a thread's edit takes them too (its UPDATE, then its event at commit). One wait is new:
a post now holds its space's gate (shared, changelog.py) while it waits for the thread's row. If
that row's holder, a thread's edit, then asks for the gate behind a redacting event's exclusive
request, PostgreSQL's deadlock check (after deadlock_timeout, 1 s) lets the shared request pass:
a rare pause of that length, not an error.

The thread moves forward only (greatest of its time and the message's), from the message's row as
it is at commit, so a transaction that dates its messages back (the demo's timeline) keeps its
dates; a message that changed nothing takes no lock.

Revision ID: 0033
Revises: 0032
"""

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

TOUCH = """
CREATE FUNCTION threads_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE threads AS t SET last_activity_at = m.created_at
    FROM messages AS m
    WHERE m.id = NEW.id AND t.id = m.thread_id AND t.last_activity_at < m.created_at;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute(TOUCH)
    op.execute(
        "CREATE CONSTRAINT TRIGGER messages_touch_thread AFTER INSERT ON messages DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION threads_touch()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER messages_touch_thread ON messages")
    op.execute("DROP FUNCTION threads_touch()")
