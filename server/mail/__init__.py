"""Mail: the outbox (outbox.py), its sender over SMTP (sender.py), the notifier that turns change-log
events into mail (notifier.py), templates in the recipient's language (templates.py). See docs/mail.md."""
