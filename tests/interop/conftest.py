"""Fixtures for the interop tests (see support.py for the server process and helpers)."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Optional

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cbclient  # noqa: E402
from support import ClassBridgeServer, running_servers  # noqa: E402


def _start_server(request, tmp_path_factory, name: str, env: Optional[dict] = None):
    server = ClassBridgeServer(name, tmp_path_factory.mktemp(f"server-{name}"), env).start()
    request.addfinalizer(server.stop)
    return server


@pytest.fixture(scope="session")
def server(request, tmp_path_factory) -> ClassBridgeServer:
    """The shared server (default DTLS role: the server answers a=setup:passive)."""
    return _start_server(request, tmp_path_factory, "default")


@pytest.fixture(scope="module")
def server_dtls_client(request, tmp_path_factory) -> ClassBridgeServer:
    """A separate server configured as DTLS client (CLASSBRIDGE_DTLS_ROLE=client, a=setup:active)."""
    return _start_server(request, tmp_path_factory, "dtls-client", {"CLASSBRIDGE_DTLS_ROLE": "client"})


@pytest.fixture
def room() -> str:
    return f"room-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session", autouse=True)
def loopback_ice():
    cbclient.use_loopback_ice()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for srv in running_servers():
            report.sections.append((f"classbridge log ({srv.name})", srv.tail()))


