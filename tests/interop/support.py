"""Support for the interop tests: a ClassBridge server on free loopback ports, tokens, golden messages.

The server is `.build/debug/classbridge serve` (build it first: `swift build --product classbridge`), started from
the repo root with these environment overrides:
  CLASSBRIDGE_HTTP_PORT            free TCP port (HTTP + WebSocket /ws + /healthz + /dev/token + the web pages)
  CLASSBRIDGE_MEDIA_PORT           free UDP port (ICE/DTLS/SRTP)
  CLASSBRIDGE_ICE_CONSENT_TIMEOUT  4 (seconds)
  CLASSBRIDGE_LOG_LEVEL            debug
  CLASSBRIDGE_DTLS_ROLE            client|server, only where a test asks for it
Set CLASSBRIDGE_BIN to test another binary; CLASSBRIDGE_TEST_ENV="K=V K2=V2" adds environment for every server.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import hashlib
import hmac
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Optional

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import cbclient  # noqa: E402

BIN = Path(os.environ.get("CLASSBRIDGE_BIN", ROOT / ".build" / "debug" / "classbridge"))
CONSENT_TIMEOUT = 4
HEALTH_TIMEOUT = 30
LOG_TAIL_LINES = 80

_running: list["ClassBridgeServer"] = []


# ----------------------------------------------------------------------------------------------------------------------
# Server process
# ----------------------------------------------------------------------------------------------------------------------

def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports() -> tuple[int, int]:
    """A TCP port and a UDP port, each currently free on 127.0.0.1 (and different from each other)."""
    while True:
        http, media = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)
        if http != media:
            return http, media


class ClassBridgeServer:
    def __init__(self, name: str, log_dir: Path, env: Optional[dict] = None) -> None:
        self.name = name
        self.http_port, self.media_port = free_ports()
        self.base_url = f"http://127.0.0.1:{self.http_port}"
        self.ws_url = f"ws://127.0.0.1:{self.http_port}/ws"
        self.log_path = log_dir / f"classbridge-{name}.log"
        self.env = {
            "CLASSBRIDGE_HTTP_PORT": str(self.http_port),
            "CLASSBRIDGE_MEDIA_PORT": str(self.media_port),
            "CLASSBRIDGE_ICE_CONSENT_TIMEOUT": str(CONSENT_TIMEOUT),
            "CLASSBRIDGE_LOG_LEVEL": "debug",
        }
        for item in shlex.split(os.environ.get("CLASSBRIDGE_TEST_ENV", "")):
            key, _, value = item.partition("=")
            self.env[key] = value
        for key, value in (env or {}).items():  # None: the server's own default, from Config/classbridge.yaml
            if value is None:
                self.env.pop(key, None)
            else:
                self.env[key] = value
        self.consent_timeout = float(self.env.get("CLASSBRIDGE_ICE_CONSENT_TIMEOUT", "nan"))  # nan: the default
        self.proc: Optional[subprocess.Popen] = None
        self._log = None

    def start(self) -> "ClassBridgeServer":
        if not BIN.exists():
            pytest.fail(f"{BIN} does not exist: run `swift build --product classbridge` first", pytrace=False)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(BIN), "serve"], cwd=ROOT, env={**os.environ, **self.env},
                                     stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _running.append(self)
        deadline = time.monotonic() + HEALTH_TIMEOUT
        last = "no attempt"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                pytest.fail(f"classbridge ({self.name}) exited with {self.proc.returncode} before /healthz answered"
                            f"\n{self.tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return self
                    last = f"HTTP {resp.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"classbridge ({self.name}): GET /healthz not 200 within {HEALTH_TIMEOUT} s ({last})\n{self.tail()}",
                    pytrace=False)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self in _running:
            _running.remove(self)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError as exc:
            return f"(no log: {exc})"
        return f"--- last {min(lines, len(text))} lines of {self.log_path} ---\n" + "\n".join(text[-lines:])

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    # ---- HTTP helpers --------------------------------------------------------------------------------------------

    def get(self, path: str, timeout: float = 5) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def token(self, room: str, role: str = "site", name: Optional[str] = None) -> str:
        """A token from the development endpoint `GET /dev/token?room=&role=&name=` (PROTOCOL.md §2)."""
        query = urllib.parse.urlencode({"room": room, "role": role, "name": name or f"{role}-{uuid.uuid4().hex[:6]}"})
        status, body = self.get(f"/dev/token?{query}")
        assert status == 200, f"GET /dev/token?{query} -> {status} {body[:200]!r}"
        return json.loads(body)["token"]

    def client(self, room: str, role: str = "site", name: Optional[str] = None, **kwargs) -> cbclient.CBClient:
        name = name or f"{role}-{uuid.uuid4().hex[:6]}"
        return cbclient.CBClient(self.base_url, self.token(room, role, name), name=name, **kwargs)


# ----------------------------------------------------------------------------------------------------------------------
# Helpers for tests
# ----------------------------------------------------------------------------------------------------------------------

def run(coro, timeout: float):
    """Run an async test body with a hard deadline (pytest-timeout is not installed)."""
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(bounded())


def dev_secret() -> str:
    """`auth.secret` from Config/classbridge.yaml (a tiny reader for that one key; no YAML library needed)."""
    if os.environ.get("CLASSBRIDGE_AUTH_SECRET"):
        return os.environ["CLASSBRIDGE_AUTH_SECRET"]
    path = ROOT / "Config" / "classbridge.yaml"
    in_auth = False
    auth_indent = 0
    for line in path.read_text().splitlines():
        stripped = line.split("#", 1)[0].rstrip() if not re.search(r"""['"].*#.*['"]""", line) else line.rstrip()
        if not stripped.strip():
            continue
        indent = len(stripped) - len(stripped.lstrip())
        if re.match(r"^auth:\s*$", stripped.strip()) and indent == 0:
            in_auth, auth_indent = True, indent
            continue
        if in_auth:
            if indent <= auth_indent:
                in_auth = False
                continue
            m = re.match(r"^\s+secret:\s*(.*)$", stripped)
            if m:
                value = m.group(1).strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                return value
    raise AssertionError(f"no auth.secret in {path}")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_token(secret: str, **claims) -> str:
    """An HS256 JWT (RFC 7519) without a JWT library."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


GOLDEN = ROOT / "Signaling" / "golden"


def golden(name: str, fallback: dict) -> dict:
    """`Signaling/golden/<name>.json` if it exists (and is a JSON object), else `fallback`."""
    path = GOLDEN / f"{name}.json"
    if path.exists():
        value = json.loads(path.read_text())
        if isinstance(value, dict):
            return value
    return dict(fallback)


def running_servers() -> list[ClassBridgeServer]:
    return list(_running)


@atexit.register
def _stop_leftovers() -> None:
    for srv in list(_running):
        srv.stop()
