import logging

from bot.log_floods import FloodFilter


def _record(msg: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord("bot.x", level, __file__, 1, msg, None, None)


def test_a_flood_of_one_error_becomes_one_line_and_a_count():
    now = [0.0]
    flood = FloodFilter(window=60, clock=lambda: now[0])
    assert flood.filter(_record("disk full"))
    passed = 0
    for _ in range(10_000):
        now[0] += 0.001
        passed += flood.filter(_record("disk full"))
    assert passed == 0
    assert flood.filter(_record("something else"))  # other lines still pass
    assert flood.filter(_record("disk full", logging.WARNING))
    now[0] = 61.0
    after = _record("disk full")
    assert flood.filter(after)
    assert after.getMessage() == "disk full (and 10000 more like it in the last 60 s)"
