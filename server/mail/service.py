"""Mail inside the running app: the sender and the notifier, each leading on one node at a time."""

from __future__ import annotations

import contextlib

from server.mail import outbox
from server.mail.digest import Digester
from server.mail.gateway import Gateway
from server.mail.notifier import Notifier
from server.mail.reminders import EventReminders
from server.mail.sender import Sender
from server.observability import readiness


@contextlib.asynccontextmanager
async def running(app, database_url: str):
    settings = app.state.settings
    foreground = getattr(app.state, "foreground", None)  # requests in flight: mail work yields to them
    sender = Sender(app.state.sessions, settings, database_url, foreground=foreground)
    hub = getattr(app.state, "realtime", None)
    online = hub.presence.is_online if hub is not None else None
    notifier = Notifier(app.state.sessions, settings, database_url, online=online, foreground=foreground)
    app.state.mail_sender = sender
    app.state.mail_notifier = notifier
    digester = Digester(app.state.sessions, settings, database_url, foreground=foreground)
    app.state.mail_digester = digester
    reminders = EventReminders(app.state.sessions, settings)

    async def details() -> dict:
        # Mail never makes a node unready (an SMTP outage only delays mail); /readyz shows its state.
        async with app.state.sessions() as db:
            state = await outbox.stats(db)
        state["relay"] = sender.relay.name if sender.relay else "none: written to files"
        state["last_error"] = sender.last_error
        return state

    readiness.describe(app, "mail", details)
    sender.start()
    notifier.start()
    digester.start()
    reminders.start()
    gateway = None
    if settings.mail_inbound_port:
        gateway = Gateway(app.state.sessions, settings)
        await gateway.start()
    app.state.mail_gateway = gateway
    try:
        yield
    finally:
        if gateway is not None:
            await gateway.stop()
        await reminders.stop()
        await digester.stop()
        await notifier.stop()
        await sender.stop()
