"""Calls back when a session commits after writing what a watcher cares about.

For the caches a node keeps in memory (server/public/cache.py, server/auth/credential_cache.py):
other nodes learn of a change by NOTIFY, but the node that made it must forget before its answer
leaves, so that a write and the next read on one node never meet the old copy. A watcher says
which flushes and which statements count (`flushed`, `executed`); after a commit of a session that
did any, `committed` runs. A rollback forgets what the session did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session


@dataclass(frozen=True)
class Watch:
    key: str  # in session.info while the session's transaction holds such a write
    flushed: Callable[[Session], bool]  # called in after_flush: the session's lists show what it wrote
    executed: Callable[[ORMExecuteState], bool]  # called for every statement that is not a SELECT
    committed: Callable[[], None]


_WATCHES: list[Watch] = []


def watch(key: str, *, flushed, executed, committed) -> None:
    _WATCHES.append(Watch(key, flushed, executed, committed))


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    for w in _WATCHES:
        if w.key not in session.info and w.flushed(session):
            session.info[w.key] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    for w in _WATCHES:
        if w.key not in state.session.info and w.executed(state):
            state.session.info[w.key] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for w in _WATCHES:
        if session.info.pop(w.key, False):
            w.committed()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    for w in _WATCHES:
        session.info.pop(w.key, None)
