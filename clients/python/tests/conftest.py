"""The servers the client's tests talk to.

The tests run against a live ``policygraph serve`` on the in-memory seed:
``scripts/notebook`` (which ``make test`` and ``make test-python`` use)
starts one and sets POLICYGRAPH_URL, and POLICYGRAPH_BIN to the binary it
built, with which the tests start servers of their own: one with API keys
and one with a rate limit. Without POLICYGRAPH_URL the tests are skipped,
except under CI, where that is an error.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

import policygraph


def _need(var: str) -> str:
    value = os.environ.get(var)
    if not value:
        message = f"needs a live server: {var} is not set (run make test-python, or scripts/notebook .venv/bin/python -m pytest clients/python/tests)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return value


@pytest.fixture(scope="session")
def url() -> str:
    return _need("POLICYGRAPH_URL").rstrip("/")


@pytest.fixture(scope="session")
def pg(url: str) -> policygraph.Client:
    return policygraph.Client(url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A `policygraph serve` of our own, on the in-memory seed."""

    def __init__(self, binary: str, *args: str) -> None:
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary, "serve", "--addr", self.url.removeprefix("http://"), "--log-level", "warn", *args],
            stdout=self.log, stderr=subprocess.STDOUT, env={k: v for k, v in os.environ.items() if k != "NEO4J_URI"},
        )
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"policygraph serve {args} exited: {self.log.read().decode()}")
            try:
                requests.get(self.url + "/healthz", timeout=1)
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"policygraph serve {args} did not answer /healthz within 30 s")
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def binary() -> str:
    return _need("POLICYGRAPH_BIN")


@pytest.fixture(scope="session")
def api_key_server(binary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """A server that wants an API key, and the key."""
    keys = Path(tmp_path_factory.mktemp("keys")) / "keys.txt"
    out = subprocess.run([binary, "apikey", "--append", str(keys), "analyst"], check=True, capture_output=True,
                         text=True)
    key = out.stdout.strip().splitlines()[0]
    server = Server(binary, "--api-keys", str(keys))
    yield server, key
    server.stop()


@pytest.fixture(scope="session")
def rate_limited_server(binary: str) -> Iterator[Server]:
    """A server that allows one request, then one every 100 s."""
    server = Server(binary, "--rate-limit", "0.01", "--rate-burst", "1")
    yield server
    server.stop()
