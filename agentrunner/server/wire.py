"""What every protocol reads the same way: request bodies (JSON only, size-capped, one clear
error), message content given as text parts, a tool call's JSON arguments, and the 400 for a
field that cannot be served."""

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


def bad_request(message: str, param: str | None = None) -> ApiError:
    """A 400 naming the field (``param``, e.g. ``messages[2].content``)."""
    return ApiError(400, "invalid_request", message, param=param)


TEXT_PART_TYPES = frozenset({"text", "input_text", "output_text", "summary_text"})
"""Content parts whose ``text`` is kept (Chat Completions' and the Responses API's names)."""


def text_of(content: Any, param: str) -> str:
    """A message's content: a string, null, or a list of parts; text parts are joined, a
    ``refusal`` part gives its refusal, any other part (images, files, audio) is a 400."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise bad_request("content must be a string, null or a list of parts", param)
    texts: list[str] = []
    for index, part in enumerate(content):
        if not isinstance(part, dict):
            raise bad_request("a content part must be an object", f"{param}[{index}]")
        kind = part.get("type")
        if kind in TEXT_PART_TYPES:
            text = part.get("text")
            if not isinstance(text, str):
                raise bad_request("a text part's text must be a string", f"{param}[{index}].text")
            texts.append(text)
        elif kind == "refusal":
            texts.append(str(part.get("refusal") or part.get("text") or ""))
        else:
            raise bad_request(f"content parts of type {kind!r} are not supported by this gateway", f"{param}[{index}]")
    return "".join(texts)


def tool_arguments(raw: Any, param: str) -> dict[str, Any]:
    """A tool call's arguments: a JSON string (or an object) → a dict. Invalid JSON is what a
    model wrote, history to keep (``{"_raw": …}``), not a reason to refuse the request."""
    if isinstance(raw, dict):
        return raw
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, str):
        raise bad_request("arguments must be a JSON string", param)
    try:
        value = json.loads(raw)
    except ValueError:
        return {"_raw": raw}
    return value if isinstance(value, dict) else {"_value": value}
