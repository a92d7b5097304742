"""Reading request bodies, the same for every protocol: JSON only, size-capped, one clear error."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from .errors import ApiError


async def read_json(request: Request, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object. 415 for another content type, 413 over ``max_bytes``
    (``[gateway] max_request_bytes``), 400 for invalid JSON or a non-object."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError(415, "invalid_request", f"content-type must be application/json, not {content_type!r}")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, "invalid_request", f"request body of {int(declared):,} bytes is over the gateway's "
                       f"limit of {max_bytes:,} ([gateway] max_request_bytes)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ApiError(413, "invalid_request", f"request body is over the gateway's limit of {max_bytes:,} bytes "
                           "([gateway] max_request_bytes)")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ApiError(400, "invalid_request", "the request body is empty; send a JSON object")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_request", f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "the request body must be a JSON object")
    return body
