"""Reading request bodies on a public port: never more than a cap into memory, and a refused
body read to its end (within a budget) so that its sender sees the answer, not a reset."""

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse

BODY_TIMEOUT = 30.0  # seconds a client has to send a body once its headers are in


async def read_capped(
    request: Request, limit: int, timeout: float = BODY_TIMEOUT
) -> tuple[bytearray | None, bool]:
    """The whole body, or None as soon as it passes `limit`; and whether more of it is
    still to be read. TimeoutError when the client takes longer than `timeout` to send it."""
    with anyio.fail_after(timeout):
        return await _read(request, limit)


def too_slow() -> JSONResponse:
    return JSONResponse(
        {"error": "the request body took too long to arrive"},
        status_code=408,
        headers={"Connection": "close"},
    )


async def _read(request: Request, limit: int) -> tuple[bytearray | None, bool]:
    body = bytearray()
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return None, False
        body += message.get("body", b"")
        more = bool(message.get("more_body", False))
        if len(body) > limit:
            return None, more
        if not more:
            return body, False


async def drain(request: Request, budget: int, timeout: float = BODY_TIMEOUT) -> None:
    """Read and drop what is left of the body, up to `budget` bytes and `timeout` seconds."""
    with anyio.move_on_after(timeout):
        await _drain(request, budget)


async def _drain(request: Request, budget: int) -> None:
    read = 0
    while read <= budget:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def declared_length(request: Request) -> int | None:
    """The Content-Length the client announced: None when absent, -1 when not a number."""
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    declared = declared.strip()
    return int(declared) if declared.isdigit() else -1
