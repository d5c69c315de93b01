"""Reading request bodies on a public port: never more than a cap into memory, and a refused
body read to its end (within a budget) so that its sender sees the answer, not a reset."""

from fastapi import Request


async def read_capped(request: Request, limit: int) -> tuple[bytearray | None, bool]:
    """The whole body, or None as soon as it passes `limit`; and whether more of it is
    still to be read."""
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


async def drain(request: Request, budget: int) -> None:
    """Read and drop what is left of the body, up to `budget` bytes."""
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
