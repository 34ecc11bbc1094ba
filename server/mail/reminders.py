"""Event reminders by mail: a day and an hour before an event, to the people who said they are
going (or maybe), in their language and with the time in their own zone and in the event's.

Each reminder is one outbox row whose dedupe key names the event, the person, the reminder and
the start instant: however many nodes look and however often they restart, a reminder is written
once (an event moved to another time gets its own reminders). Who may still read the event's
space is checked when the reminder is written and again by the sender (`refs.space_id`), so
someone who lost access gets nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.background import BackgroundWorker
from server.db.models import CalendarEvent, Registration, Space, User
from server.mail import compose, outbox
from server.mail.permissions import may_read
from server.mail.strings import locale_of
from server.mail.templates import Rendered, one_line

log = logging.getLogger("citybridge.mail")

# name, how long before the start it is due, and the latest it is still worth sending.
WINDOWS = (("day", dt.timedelta(hours=24), dt.timedelta(hours=1)), ("hour", dt.timedelta(hours=1), dt.timedelta(0)))
REMINDED = ("going", "maybe")

STRINGS = {
    "en": {
        "subject.day": "Tomorrow: {title}",
        "subject.hour": "In one hour: {title}",
        "intro": "A reminder from {space}: you said you are coming to “{title}”.",
        "yours": "Your time ({zone}): {when}",
        "event": "Event's time ({zone}): {when}",
        "where": "Where: {place}",
        "online": "Online: {url}",
        "action": "Open the event",
        "why": "You get this mail because you registered. To stop it, answer “not going” on the event's page.",
    },
    "fr": {
        "subject.day": "Demain : {title}",
        "subject.hour": "Dans une heure : {title}",
        "intro": "Un rappel de {space} : vous avez indiqué participer à « {title} ».",
        "yours": "Votre heure ({zone}) : {when}",
        "event": "Heure de l'événement ({zone}) : {when}",
        "where": "Lieu : {place}",
        "online": "En ligne : {url}",
        "action": "Ouvrir l'événement",
        "why": "Vous recevez ce message parce que vous êtes inscrit. Pour l'arrêter, répondez « je ne participe pas » "
        "sur la page de l'événement.",
    },
    "es": {
        "subject.day": "Mañana: {title}",
        "subject.hour": "Dentro de una hora: {title}",
        "intro": "Un recordatorio de {space}: indicó que asistirá a «{title}».",
        "yours": "Su hora ({zone}): {when}",
        "event": "Hora del evento ({zone}): {when}",
        "where": "Lugar: {place}",
        "online": "En línea: {url}",
        "action": "Abrir el evento",
        "why": "Recibe este correo porque se inscribió. Para detenerlo, responda «no asistiré» "
        "en la página del evento.",
    },
}


def _when(event: CalendarEvent, zone: ZoneInfo) -> str:
    # Numbers only (2027-03-25 09:30–12:00): read the same in every language, no month names to translate.
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    tail = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return f"{start:%Y-%m-%d %H:%M}–{tail}"


def reminder_mail(settings, user: User, registration: Registration, event: CalendarEvent, space: Space, which: str):
    words = STRINGS.get(locale_of(user.locale), STRINGS["en"])
    event_zone = ZoneInfo(event.timezone)
    own = ZoneInfo(registration.timezone) if registration.timezone else event_zone
    lines = [words["intro"].format(space=space.name, title=event.title), ""]
    if own.key != event_zone.key:
        lines.append(words["yours"].format(zone=own.key, when=_when(event, own)))
    lines.append(words["event"].format(zone=event_zone.key, when=_when(event, event_zone)))
    if event.location:
        lines.append(words["where"].format(place=event.location))
    if event.online_url:
        lines.append(words["online"].format(url=event.online_url))
    link = f"{compose.origin(settings)}/events/{event.id}"
    subject = one_line(words[f"subject.{which}"].format(title=event.title))
    text = "\n".join([*lines, "", f"{words['action']}: {link}", "", words["why"], ""])
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    body = (
        f'<!doctype html><html lang="{locale_of(user.locale)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>"
        '<body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 40em; margin: 0 auto">'
        f'{paragraphs}<p><a href="{html.escape(link)}" style="font-weight: bold">{html.escape(words["action"])}</a></p>'
        f'<p style="font-size: 0.85em; color: #555">{html.escape(words["why"])}</p></body></html>'
    )
    return Rendered(subject=subject, text=text, html=body)


def dedupe_key(event: CalendarEvent, user_id: int, which: str) -> str:
    return f"reminder:{event.id}:{user_id}:{which}:{int(event.starts_at.timestamp())}"


async def write_due(db, settings, now: dt.datetime) -> int:
    """Write every reminder due at `now` to the outbox (in the caller's transaction)."""
    written = 0
    for which, lead, latest in WINDOWS:
        rows = await db.execute(
            select(CalendarEvent, Space, Registration, User)
            .join(Space, Space.id == CalendarEvent.space_id)
            .join(Registration, Registration.event_id == CalendarEvent.id)
            .join(User, User.id == Registration.user_id)
            .where(
                CalendarEvent.cancelled_at.is_(None),
                CalendarEvent.starts_at > now + latest,
                CalendarEvent.starts_at <= now + lead,
                Registration.status.in_(REMINDED),
                User.deactivated_at.is_(None),
            )
            .order_by(CalendarEvent.id, Registration.id)
        )
        for event, space, registration, user in rows:
            if not await may_read(db, user, space.id):
                continue
            row = await outbox.enqueue(
                db,
                settings,
                kind="event_reminder",
                to=user.email,
                rendered=reminder_mail(settings, user, registration, event, space, which),
                user_id=user.id,
                refs={"space_id": space.id, "event_id": event.id},
                dedupe_key=dedupe_key(event, user.id, which),
            )
            written += row is not None
    return written


class EventReminders(BackgroundWorker):
    task_name = "event-reminders"

    def __init__(self, sessions, settings, *, check_seconds: float = 60.0):
        self.sessions = sessions
        self.settings = settings
        self.check_seconds = check_seconds
        super().__init__()

    async def round(self, now: dt.datetime | None = None) -> int:
        async with self.sessions() as db:
            written = await write_due(db, self.settings, now or dt.datetime.now(dt.UTC))
            await db.commit()
        if written:
            log.info("event reminders: %d written", written)
        return written

    async def lead(self) -> None:
        # Every node looks; the outbox's dedupe key lets only the first write each reminder.
        while True:
            await self.round()
            await asyncio.sleep(self.check_seconds)
