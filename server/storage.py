"""Where uploaded files live: a small interface, and a local content-addressed implementation.

A blob is named by the SHA-256 of its bytes, so the same document uploaded twice is stored
once and a name can never point outside the store. An object store can be added later by
implementing `Storage`.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024
KEY = re.compile(r"^[0-9a-f]{64}$")


class PendingBlob(Protocol):
    """Bytes being received; nothing is visible in the store until `commit`."""

    size: int

    def write(self, chunk: bytes) -> None: ...
    def key(self) -> str: ...
    def head(self) -> bytes: ...
    def local_path(self) -> Path: ...
    def commit(self) -> str: ...
    def discard(self) -> None: ...


class Storage(Protocol):
    def begin(self) -> PendingBlob: ...
    def exists(self, key: str) -> bool: ...
    def size(self, key: str) -> int: ...
    def read(self, key: str) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...


def _check(key: str) -> str:
    if not KEY.match(key):
        raise ValueError(f"not a blob key: {key!r}")
    return key


class LocalPending:
    HEAD = 8192

    def __init__(self, store: LocalStorage) -> None:
        self.store = store
        self.path = store.root / "tmp" / secrets.token_hex(16)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "xb")  # noqa: SIM115 - held open across writes, closed in commit/discard
        self.hash = hashlib.sha256()
        self.size = 0
        self._head = b""

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.hash.update(chunk)
        self.size += len(chunk)
        if len(self._head) < self.HEAD:
            self._head += chunk[: self.HEAD - len(self._head)]

    def key(self) -> str:
        """The name the blob will have: the SHA-256 of the bytes received so far."""
        return self.hash.hexdigest()

    def head(self) -> bytes:
        return self._head

    def local_path(self) -> Path:
        self.file.flush()
        return self.path

    def commit(self) -> str:
        self.file.close()
        key = self.key()
        target = self.store.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path, target)
        return key

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        self.path.unlink(missing_ok=True)


class LocalStorage:
    """Blobs under root/ab/cd/abcd…; uploads in progress under root/tmp."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        key = _check(key)
        return self.root / key[:2] / key[2:4] / key

    def begin(self) -> LocalPending:
        return LocalPending(self)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def read(self, key: str) -> Iterator[bytes]:
        with open(self.path(key), "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def from_settings(settings) -> Storage:
    return LocalStorage(settings.data_dir / "files")
