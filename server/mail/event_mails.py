"""A new event announced to the space's members, and its changes and cancellation, by mail, with
the event attached as an iTIP message
(RFC 5546: METHOD:REQUEST for a change, METHOD:CANCEL for a cancellation) carrying the event's one
UID and its new SEQUENCE, so a calendar app updates or removes the entry it already holds.

Written to the outbox in the transaction that changes the event: no commit, no mail. Changes go to
the people registered (going, maybe, waiting) who can still read the space; a new event to the
space's active members whose notification level for it is not "none", with the time in their own
zone and a METHOD:PUBLISH entry. The sender checks the space again (`refs.space_id`). The
attachment rides in `refs` and is added when the mail is built."""

from __future__ import annotations

import html
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.db.models import CalendarEvent, City, Membership, Registration, Space, User
from server.mail import compose, outbox, preferences
from server.mail.permissions import may_read
from server.mail.reminders import _when
from server.mail.strings import locale_of
from server.mail.templates import Rendered, one_line
from server.services.calendar_feeds import announcement_ics, invitation_ics

TOLD = ("going", "maybe", "waiting")

STRINGS = {
    "en": {
        "subject.REQUEST": "Changed: {title}",
        "subject.CANCEL": "Cancelled: {title}",
        "intro.REQUEST": "“{title}” in {space} has changed. The attached calendar entry updates yours.",
        "intro.CANCEL": "“{title}” in {space} is cancelled. The attached calendar entry removes it from yours.",
        "event": "Time ({zone}): {when}",
        "where": "Where: {place}",
        "action": "Open the event",
        "why": "You get this mail because you registered for this event.",
        "subject.PUBLISH": "New event: {title}",
        "intro.PUBLISH": "{organiser} planned “{title}” in {space}. Register from the event's page.",
        "why.PUBLISH": "You get this mail because you are a member of {space}; choose which mails you get in Settings.",
        "yours": "Your time ({zone}): {when}",
    },
    "fr": {
        "subject.REQUEST": "Modifié : {title}",
        "subject.CANCEL": "Annulé : {title}",
        "intro.REQUEST": "« {title} » dans {space} a changé. L'entrée de calendrier jointe met la vôtre à jour.",
        "intro.CANCEL": "« {title} » dans {space} est annulé. L'entrée de calendrier jointe le retire du vôtre.",
        "event": "Heure ({zone}) : {when}",
        "where": "Lieu : {place}",
        "action": "Ouvrir l'événement",
        "why": "Vous recevez ce message parce que vous êtes inscrit à cet événement.",
        "subject.PUBLISH": "Nouvel événement : {title}",
        "intro.PUBLISH": "{organiser} a prévu « {title} » dans {space}. Inscrivez-vous depuis la page de l'événement.",
        "why.PUBLISH": (
            "Vous recevez ce message parce que vous êtes membre de {space} ; choisissez vos messages dans Paramètres."
        ),
        "yours": "Votre heure ({zone}) : {when}",
    },
    "es": {
        "subject.REQUEST": "Modificado: {title}",
        "subject.CANCEL": "Cancelado: {title}",
        "intro.REQUEST": "«{title}» en {space} ha cambiado. La entrada de calendario adjunta actualiza la suya.",
        "intro.CANCEL": "«{title}» en {space} se ha cancelado. La entrada de calendario adjunta lo quita del suyo.",
        "event": "Hora ({zone}): {when}",
        "where": "Lugar: {place}",
        "action": "Abrir el evento",
        "why": "Recibe este correo porque se inscribió en este evento.",
        "subject.PUBLISH": "Nuevo evento: {title}",
        "intro.PUBLISH": "{organiser} ha organizado «{title}» en {space}. Inscríbase desde la página del evento.",
        "why.PUBLISH": "Recibe este correo porque es miembro de {space}; elija qué correos recibe en Ajustes.",
        "yours": "Su hora ({zone}): {when}",
    },
}


def _mail(settings, user: User, event: CalendarEvent, space: Space, method: str, organiser: str = "") -> Rendered:
    words = STRINGS.get(locale_of(user.locale), STRINGS["en"])
    zone = ZoneInfo(event.timezone)
    lines = [words[f"intro.{method}"].format(title=event.title, space=space.name, organiser=organiser), ""]
    own = _zone(user.time_zone)
    if own is not None and own.key != zone.key:
        lines.append(words["yours"].format(zone=own.key, when=_when(event, own)))
    lines.append(words["event"].format(zone=zone.key, when=_when(event, zone)))
    if event.location:
        lines.append(words["where"].format(place=event.location))
    link = f"{compose.origin(settings)}/events/{event.id}"
    subject = one_line(words[f"subject.{method}"].format(title=event.title))
    why = words.get(f"why.{method}", words["why"]).format(space=space.name)
    text = "\n".join([*lines, "", f"{words['action']}: {link}", "", why, ""])
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    body = (
        f'<!doctype html><html lang="{locale_of(user.locale)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>{paragraphs}"
        f'<p><a href="{html.escape(link)}">{html.escape(words["action"])}</a></p>'
        f"<p>{html.escape(why)}</p></body></html>"
    )
    return Rendered(subject=subject, text=text, html=body)


async def write(db, settings, event: CalendarEvent, method: str) -> int:
    """One mail per registered reader for this SEQUENCE of the event (dedupe key), in the caller's
    transaction. `method` is REQUEST (changed) or CANCEL (cancelled)."""
    space = await db.get(Space, event.space_id)
    city = await db.get(City, event.host_city_id) if event.host_city_id else None
    organizer = parseaddr(settings.mail_from)[1] or f"events@{outbox.mail_domain(settings)}"
    rows = await db.execute(
        select(User)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event.id, Registration.status.in_(TOLD), User.deactivated_at.is_(None))
        .order_by(Registration.id)
    )
    written = 0
    for user in rows.scalars():
        if not await may_read(db, user, space.id):
            continue
        row = await outbox.enqueue(
            db,
            settings,
            kind="event_change",
            to=user.email,
            rendered=_mail(settings, user, event, space, method),
            user_id=user.id,
            refs={
                "space_id": space.id,
                "event_id": event.id,
                "ics_method": method,
                "ics": invitation_ics(event, space, city, method, organizer, user.email),
            },
            dedupe_key=f"event-change:{event.id}:{user.id}:{event.sequence}",
        )
        written += row is not None
    return written


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, KeyError):  # a zone this system's database does not know
        return None


async def announce(db, settings, event: CalendarEvent, organiser: User) -> int:
    """A mail per active member of the event's space (but the organiser) who takes mail from it."""
    space = await db.get(Space, event.space_id)
    city = await db.get(City, event.host_city_id) if event.host_city_id else None
    members = list(
        (
            await db.scalars(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(
                    Membership.space_id == space.id,
                    Membership.state == "active",
                    User.id != organiser.id,
                    User.deactivated_at.is_(None),
                )
                .order_by(User.id)
            )
        ).all()
    )
    prefs = await preferences.load_many(db, [user.id for user in members])
    ics = announcement_ics(event, space, city)
    mails = [
        {
            "kind": "event_new",
            "to": user.email,
            "rendered": _mail(settings, user, event, space, "PUBLISH", organiser.name),
            "user_id": user.id,
            "refs": {"space_id": space.id, "event_id": event.id, "ics_method": "PUBLISH", "ics": ics},
            "dedupe_key": f"event-new:{event.id}:{user.id}",
        }
        for user in members
        if preferences.level_for(prefs[user.id], space.id) != "none"
    ]
    return len(await outbox.enqueue_many(db, settings, mails))
