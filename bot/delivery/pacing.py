"""Pacing Slack posts per channel, as Slack rate-limits them."""


class TokenBucket:
    """Slack allows about one chat.postMessage per second per channel, with short bursts."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._tokens: dict[str, tuple[float, float]] = {}

    def ready(self, key: str, now: float) -> bool:
        return self.wait(key, now) == 0

    def wait(self, key: str, now: float) -> float:
        """Seconds until a token is free for `key` (0 when one is free now)."""
        tokens, last = self._tokens.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def refund(self, key: str) -> None:
        """Give back the token of a request Slack did not take (it answered 5xx or could
        not be reached): the channel's budget is for messages Slack received."""
        if key in self._tokens:
            tokens, last = self._tokens[key]
            self._tokens[key] = (min(self.burst, tokens + 1), last)

    def merge(self, old: str, new: str) -> None:
        """`old` and `new` turn out to name one channel (`#alerts` and `C0123`): carry on
        under `new` with the smaller budget left, so that learning an ID starts no new burst."""
        if old == new or old not in self._tokens:
            return
        state = self._tokens.pop(old)
        if new not in self._tokens or state[0] < self._tokens[new][0]:
            self._tokens[new] = state

    def take(self, key: str, now: float) -> float:
        """0 when a token was taken, else the seconds until one is free."""
        tokens, last = self._tokens.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._tokens[key] = (tokens - 1, now)
            return 0.0
        self._tokens[key] = (tokens, now)
        return (1 - tokens) / self.rate
