"""Real websockets clients for the realtime tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect

from tests.harness import Client

WAIT = 20.0  # generous: the suite runs on a loaded two-core machine


def ws_url(base_url: str, query: str = "") -> str:
    return base_url.replace("http://", "ws://", 1) + "/ws" + (f"?{query}" if query else "")


class Live:
    """One websocket of one user, with helpers to wait for frames."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.pending: list[dict] = []

    @classmethod
    async def open(
        cls,
        base_url: str,
        client: Client | None = None,
        *,
        origin: str | None = "same",
        query: str = "",
        headers: dict | None = None,
    ) -> Live:
        extra = dict(headers or {})
        if client is not None:
            auth = client.http.headers.get("authorization")
            if auth:
                extra["Authorization"] = auth
            else:
                extra["Cookie"] = f"cb_session={client.http.cookies.get('cb_session')}"
        ws = await connect(
            ws_url(base_url, query),
            additional_headers=extra,
            compression=None,
            origin=base_url if origin == "same" else origin,
            open_timeout=WAIT,
            max_size=2**24,
        )
        return cls(ws)

    async def send(self, frame: dict | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def next(self, timeout: float = WAIT) -> dict:
        if self.pending:
            return self.pending.pop(0)
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def until(self, match: Callable[[dict], bool], timeout: float = WAIT) -> dict:
        """The first frame that matches; the others stay pending, in order."""
        for i, frame in enumerate(self.pending):
            if match(frame):
                return self.pending.pop(i)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"no matching frame; pending: {self.pending[-5:]}")
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            if match(frame):
                return frame
            self.pending.append(frame)

    async def of_type(self, frame_type: str, /, **fields) -> dict:
        return await self.until(lambda f: f.get("type") == frame_type and all(f.get(k) == v for k, v in fields.items()))

    async def subscribe(self, space_id: int, since: int | None = None) -> dict:
        frame: dict = {"type": "subscribe", "space_id": space_id}
        if since is not None:
            frame["since"] = since
        await self.send(frame)
        return await self.until(lambda f: f.get("space_id") == space_id and f["type"] in ("subscribed", "error"))

    async def events(self, count: int, space_id: int | None = None, timeout: float = WAIT) -> list[dict]:
        found = []
        while len(found) < count:
            found.append(
                await self.until(
                    lambda f: f.get("type") == "event" and (space_id is None or f.get("space_id") == space_id), timeout
                )
            )
        return found

    async def quiet(self, seconds: float) -> list[dict]:
        """Every frame that arrives within `seconds` (for asserting that nothing does)."""
        frames = list(self.pending)
        self.pending.clear()
        try:
            while True:
                frames.append(json.loads(await asyncio.wait_for(self.ws.recv(), seconds)))
        except TimeoutError:
            return frames

    async def closed(self, timeout: float = WAIT) -> int | None:
        """Wait for the server to close the socket; its close code."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        except TimeoutError:
            raise
        except Exception:
            pass
        return self.ws.close_code

    async def close(self) -> None:
        await self.ws.close()


async def post(client: Client, thread_id: int, body: str, client_id: str | None = None) -> dict:
    payload = {"body": body}
    if client_id:
        payload["client_id"] = client_id
    response = await client.post(f"/api/threads/{thread_id}/messages", json=payload)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def thread(client: Client, space_id: int, title: str = "Housing first", body: str = "Opening") -> dict:
    response = await client.post(f"/api/spaces/{space_id}/threads", json={"title": title, "body": body})
    assert response.status_code == 201, response.text
    return response.json()


class Node:
    """A separate `citybridge serve` process on the test database: another server node."""

    def __init__(self, database_url: str, data_dir, **env: str) -> None:
        import os
        import subprocess
        import sys
        from pathlib import Path

        from tests.harness import free_port

        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(data_dir) / f"node-{self.port}.log"
        command = [str(Path(sys.executable).parent / "citybridge"), "serve", "--port", str(self.port)]
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CITYBRIDGE_DATA": str(data_dir),
            "CITYBRIDGE_WORKERS": "1",  # a node is one process, which a test may kill
            **env,
        }
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, env=environment, stdout=self.log, stderr=subprocess.STDOUT)

    async def ready(self, timeout: float = 90) -> Node:
        import httpx

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with httpx.AsyncClient() as http:
            while loop.time() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"node exited: {self.log_path.read_text()[-2000:]}")
                try:
                    if (await http.get(self.base_url + "/healthz", timeout=2)).status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"node did not start: {self.log_path.read_text()[-2000:]}")

    def wait_ready(self, timeout: float = 90) -> Node:
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"node did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self, sig: int | None = None) -> None:
        import signal

        if self.process.poll() is None:
            self.process.send_signal(sig or signal.SIGTERM)
            try:
                self.process.wait(20)
            except Exception:
                self.process.kill()
                self.process.wait(5)
        self.log.close()
