"""The one JSON answer of the API: Starlette's JSONResponse, encoded by orjson.

The same bytes as Starlette's compact encoding for what handlers return (UTF-8 text, no spaces), in C:
the stdlib encoder was 13% of the server's CPU on a page of 50 messages (py-spy under bench/routes.py).
Keys that are not strings (an id as a dict key) become strings, as the stdlib encoder makes them."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class JsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
