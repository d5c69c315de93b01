import pytest

from tests.fakes.service import FakeService


@pytest.fixture
def service(monkeypatch):
    """The service a runbook's steps call; `${SERVICE_URL}` in a runbook points at it."""
    with FakeService() as fake:
        monkeypatch.setenv("SERVICE_URL", fake.url)
        yield fake
