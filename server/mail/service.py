"""Mail inside the running app: the notifier, and the sender, digests, reminders and milestone flags
unless they run in a process of their own (server/mail/worker.py); each leads on one node at a time."""

from __future__ import annotations

import contextlib

from server.mail import outbox, worker
from server.mail.digest import Digester
from server.mail.gateway import Gateway
from server.mail.milestones import MilestoneFlags
from server.mail.notifier import Notifier
from server.mail.reminders import EventReminders
from server.mail.sender import Sender
from server.mail.transport import SmtpRelay
from server.observability import readiness


@contextlib.asynccontextmanager
async def running(app, database_url: str):
    settings = app.state.settings
    foreground = getattr(app.state, "foreground", None)  # requests in flight: mail work yields to them
    hub = getattr(app.state, "realtime", None)
    online = hub.presence.is_online if hub is not None else None
    notifier = Notifier(app.state.sessions, settings, database_url, online=online, foreground=foreground)
    app.state.mail_notifier = notifier
    if worker.in_app(settings):
        sender = Sender(app.state.sessions, settings, database_url, foreground=foreground)
        digester = Digester(app.state.sessions, settings, database_url, foreground=foreground)
        reminders = [EventReminders(app.state.sessions, settings), MilestoneFlags(app.state.sessions, settings)]
        others = [sender, digester, *reminders]
        app.state.mail_sender, app.state.mail_digester = sender, digester
    else:  # `citybridge mail-worker` sends (server/mail/worker.py); this node reports the outbox
        sender = None
        others = [worker.Gauges(app.state.sessions)]
        app.state.mail_sender = app.state.mail_digester = None
    relay = SmtpRelay.from_url(settings.smtp_url).name if settings.smtp_url else "none: written to files"

    async def details() -> dict:
        # Mail never makes a node unready (an SMTP outage only delays mail); /readyz shows its state.
        async with app.state.sessions() as db:
            state = await outbox.stats(db)
        state["relay"] = relay
        state["last_error"] = sender.last_error if sender else None
        state["sent_by"] = "this server" if sender else "the mail worker process"
        return state

    readiness.describe(app, "mail", details)
    for part in [notifier, *others]:
        part.start()
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
        for part in reversed([notifier, *others]):
            await part.stop()
