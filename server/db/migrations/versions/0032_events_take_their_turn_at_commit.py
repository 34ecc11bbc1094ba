"""an event takes its id, and its stream's turn, when its transaction commits

Until now changelog.record took its stream's advisory lock and drew the event's id when it inserted
the row, and held the lock until the request committed: the rest of the request, the COMMIT's round
trip and the wait for the server's event loop to send it. One space's posts queued behind each other
for all of that (issue 21). Now a row is inserted with a provisional negative id; a deferred
constraint trigger, run inside COMMIT, takes the stream's lock, gives the row its id and sends the
NOTIFY. The lock is held from there to the end of the commit only, and one stream's events still
commit in id order. A row inserted with an id of its own (bulk loads) is left as it is. (Redaction's
own lock, the stream's gate, is taken by changelog.record.)

Revision ID: 0032
Revises: 0031
"""

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

# The lock classes are server/services/changelog.py's _ORDER_CLASS: 1 space, 2 user, 3 conversation.
TAKE_TURN = """
CREATE FUNCTION events_take_turn() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    final bigint;
BEGIN
    IF NEW.conversation_id IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(3, NEW.conversation_id);
    ELSIF NEW.space_id IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(1, NEW.space_id);
    ELSE
        PERFORM pg_advisory_xact_lock(2, NEW.user_id);
    END IF;
    final := nextval('events_id_seq');
    UPDATE events SET id = final WHERE id = NEW.id;
    IF FOUND THEN  -- (not when the transaction deleted it again, with its space)
        PERFORM pg_notify('citybridge_events', json_build_object(
            'id', final, 'space_id', NEW.space_id, 'user_id', NEW.user_id,
            'conversation_id', NEW.conversation_id)::text);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute("CREATE SEQUENCE events_provisional_id_seq OWNED BY events.id")
    op.execute("ALTER TABLE events ALTER COLUMN id SET DEFAULT -nextval('events_provisional_id_seq')")
    op.execute(TAKE_TURN)
    op.execute(
        "CREATE CONSTRAINT TRIGGER events_take_turn AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW WHEN (NEW.id < 0) EXECUTE FUNCTION events_take_turn()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER events_take_turn ON events")
    op.execute("DROP FUNCTION events_take_turn()")
    op.execute("ALTER TABLE events ALTER COLUMN id SET DEFAULT nextval('events_id_seq')")
    op.execute("DROP SEQUENCE events_provisional_id_seq")
