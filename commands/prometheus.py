"""Asking a PromQL API (Prometheus, Thanos, Mimir, VictoriaMetrics) many things at once.

Queries run concurrently in a bounded pool, all within one deadline: when Prometheus is down
or slow, the caller gets `PrometheusUnavailable` at the deadline, never a hang. A query
Prometheus refuses (bad PromQL) is `PrometheusQueryError`, naming the query.
"""

import ast
import contextlib
import json
import logging
import math
import os
import socket
import ssl
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from prometheus_api_client import PrometheusApiClientException, PrometheusConnect
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from commands.config import Config
from commands.errors import PrometheusUnavailable

log = logging.getLogger(__name__)


class PrometheusQueryError(Exception):
    """Prometheus refused a query: the spec's PromQL is wrong."""

    def __init__(self, query: str, reason: str) -> None:
        super().__init__(f"{reason} in query: {query}")
        self.query = query
        self.reason = reason


@dataclass(frozen=True)
class Instant:
    query: str


@dataclass(frozen=True)
class Range:
    query: str
    start: datetime
    end: datetime
    step_seconds: int


@dataclass(frozen=True)
class LabelValues:
    label: str
    match: str


Request = Instant | Range | LabelValues


def _number(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = exc
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:
        visited.add(id(seen))
        yield seen
        wrapped = seen.args[0] if seen.args else None  # requests.ConnectionError(MaxRetryError)
        nested = [getattr(seen, "reason", None), wrapped, seen.__cause__, seen.__context__]
        seen = next((e for e in nested if isinstance(e, BaseException)), None)


def _timed_out(exc: BaseException) -> bool:
    """A read that timed out, also where urllib3's retries report it as "Max retries exceeded"
    (a requests.ConnectionError wrapping a ReadTimeoutError)."""
    return any(
        isinstance(e, requests.Timeout | TimeoutError | ReadTimeoutError) for e in _causes(exc)
    )


def _why(exc: BaseException) -> str:
    """What a person can act on in a failed connection, rather than urllib3's retry story."""
    for seen in _causes(exc):
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused: is Prometheus running at that address?"
        if isinstance(seen, socket.gaierror):
            return "unknown host name"
        if isinstance(seen, ssl.SSLError):
            return f"TLS: {seen.reason or seen}"
    return str(exc).splitlines()[0][:200]


def _lean_session(url: str) -> requests.Session:
    """A session that does per report only what it must. The proxy and CA settings of the
    environment are read once here rather than on every request (which costs requests more
    CPU than the rest of a small query), and answers come uncompressed: they are a few series,
    which Prometheus spends longer gzipping than the network would spend carrying."""
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    session.verify = bundle or True
    session.trust_env = False
    session.headers["Accept-Encoding"] = "identity"
    return session


class PrometheusClient:
    """`prometheus-api-client` with no retries of its own, bounded concurrency and a deadline."""

    def __init__(self, url: str, timeout: float = 10.0, max_concurrent: int = 8) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.max_concurrent = max_concurrent
        self._session = _lean_session(self.url)
        self._api = PrometheusConnect(
            url=self.url, disable_ssl=False, session=self._session, retry=Retry(total=0)
        )
        # One connection per worker, and no retries: the deadline is ours to keep.
        self._session.mount(
            self.url,
            HTTPAdapter(
                max_retries=Retry(total=0, raise_on_status=False),
                pool_connections=max_concurrent,
                pool_maxsize=max_concurrent,
            ),
        )

    @classmethod
    def from_config(cls, config: Config) -> "PrometheusClient":
        return cls(
            config.prometheus_url(),
            timeout=config.prometheus.timeout_seconds,
            max_concurrent=config.prometheus.max_concurrent_queries,
        )

    def close(self) -> None:
        self._api.close()

    # --- one request --------------------------------------------------------------------------
    def _run(self, request: Request, at: datetime | None, deadline: float) -> Any:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PrometheusUnavailable(self.url, f"no answer within {self.timeout:g} s")
        params: dict[str, Any] = {"timeout": f"{max(1, int(remaining * 1000))}ms"}
        try:
            if isinstance(request, Instant):
                if at is not None:
                    params["time"] = f"{at.timestamp():.3f}"
                return self._api.custom_query(request.query, params=params, timeout=remaining)
            if isinstance(request, Range):
                return self._range(request, params, remaining)
            params["match[]"] = request.match
            if at is not None:
                params["end"] = f"{at.timestamp():.3f}"
                params["start"] = f"{at.timestamp() - 86400 * 31:.3f}"
            return self._label_values(request.label, params, remaining)
        except requests.RequestException as exc:
            if _timed_out(exc):
                raise PrometheusUnavailable(
                    self.url, f"no answer within {self.timeout:g} s"
                ) from exc
            raise PrometheusUnavailable(self.url, f"cannot connect ({_why(exc)})") from exc
        except PrometheusApiClientException as exc:
            raise self._refused(request, str(exc)) from exc
        except ValueError as exc:  # the answer was not JSON: not a PromQL API
            raise PrometheusUnavailable(self.url, "the answer is not from a PromQL API") from exc

    def _refused(self, request: Request, message: str) -> Exception:
        # "HTTP Status Code 400 (b'{...\"error\":\"...\"}')"
        status = message.removeprefix("HTTP Status Code ").split(" ", 1)[0]
        if status in ("400", "422"):
            reason = message
            with contextlib.suppress(ValueError, SyntaxError, TypeError, AttributeError):
                body = ast.literal_eval(message[message.index("(") + 1 : message.rindex(")")])
                reason = str(json.loads(body).get("error") or message)
            query = getattr(request, "query", getattr(request, "match", ""))
            return PrometheusQueryError(query, reason)
        return PrometheusUnavailable(self.url, f"HTTP {status}")

    def _range(self, request: Range, params: dict[str, Any], timeout: float) -> list[Any]:
        response = self._session.get(
            f"{self.url}/api/v1/query_range",
            params={
                "query": request.query,
                "start": f"{request.start.timestamp():.3f}",
                "end": f"{request.end.timestamp():.3f}",
                "step": str(request.step_seconds),
                **params,
            },
            timeout=timeout,
        )
        if response.status_code != 200:
            raise PrometheusApiClientException(
                f"HTTP Status Code {response.status_code} ({response.content!r})"
            )
        result: list[Any] = response.json()["data"]["result"]
        return result

    def _label_values(self, label: str, params: dict[str, Any], timeout: float) -> list[str]:
        response = self._session.get(
            f"{self.url}/api/v1/label/{label}/values", params=params, timeout=timeout
        )
        if response.status_code != 200:
            raise PrometheusApiClientException(
                f"HTTP Status Code {response.status_code} ({response.content!r})"
            )
        return [str(v) for v in response.json().get("data") or []]

    # --- many at once -------------------------------------------------------------------------
    def run(self, requests_: Sequence[Request], at: datetime | None = None) -> list[Any]:
        """Answers in the order asked. Raises at the first failure, or when the deadline
        (`timeout` seconds for the whole batch) passes; what is still running is abandoned."""
        if not requests_:
            return []
        deadline = time.monotonic() + self.timeout
        pool = ThreadPoolExecutor(
            max_workers=min(self.max_concurrent, len(requests_)),
            thread_name_prefix="promql",
        )
        try:
            futures: list[Future[Any]] = [
                pool.submit(self._run, r, at, deadline) for r in requests_
            ]
            done, pending = wait(
                futures, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_EXCEPTION
            )
            for future in futures:
                failed = future.exception() if future in done else None
                if failed is not None:
                    raise failed
            if pending:
                raise PrometheusUnavailable(self.url, f"no answer within {self.timeout:g} s")
            return [future.result() for future in futures]
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def vector_parts(result: list[dict[str, Any]], label: str) -> dict[str, float | None]:
    """An instant vector whose series carry `label`: the sum of each label value's samples
    (NaN and infinities are left out; a value with no finite sample is None)."""
    out: dict[str, float | None] = {}
    for series in result:
        name = str((series.get("metric") or {}).get(label, ""))
        value = _number((series.get("value") or [None, None])[1])
        if value is None:
            out.setdefault(name, None)
            continue
        out[name] = (out.get(name) or 0.0) + value
    return out


def vector_min(result: list[dict[str, Any]], label: str, part: str) -> float | None:
    values = [
        _number((s.get("value") or [None, None])[1])
        for s in result
        if (s.get("metric") or {}).get(label) == part
    ]
    finite = [v for v in values if v is not None]
    return min(finite) if finite else None


def matrix_parts(result: list[dict[str, Any]], label: str) -> dict[str, dict[float, float]]:
    """A range vector whose series carry `label`: per label value, timestamp -> summed value."""
    out: dict[str, dict[float, float]] = {}
    for series in result:
        name = str((series.get("metric") or {}).get(label, ""))
        points = out.setdefault(name, {})
        for ts, text in series.get("values") or []:
            value = _number(text)
            if value is not None:
                points[float(ts)] = points.get(float(ts), 0.0) + value
    return out
