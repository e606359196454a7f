"""Where the exports under test come from.

With POLICYGRAPH_URL set (scripts/notebook and `make test-python` set it
for a server they start), every export is downloaded from that server's
/export endpoints, and the tests marked `live` also check the HTTP side.
Without it, the exports are the golden files of the Go tests in
export/testdata, which `go test ./export` keeps equal to what the server
writes for the seed dataset, and the `live` tests are skipped.
"""

import os
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "export" / "testdata"

# Each case: the query parameters of the export, and the name of its golden
# files (export/export_test.go asks for the same).
CASES = {
    "whole": ({}, "graph"),
    "sheinbaum": ({"center": "person/claudia-sheinbaum"}, "sheinbaum"),
    "hegseth": ({"center": "person/pete-hegseth", "depth": "2", "types": "holds_office,leads,ENACTED,TARGETS"},
                "hegseth-depth2-types"),
}


class Exports:
    """Fetches exports from a live server, or reads their golden files."""

    def __init__(self, url):
        self.url = url.rstrip("/") if url else None
        self.session = requests.Session()
        self._cache = {}

    @property
    def live(self):
        return self.url is not None

    def get(self, fmt, **params):
        """The HTTP response of /export/FMT, from the live server."""
        assert self.live, "only with POLICYGRAPH_URL"
        return self.session.get(f"{self.url}/export/{fmt}", params=params, timeout=60)

    def case(self, name, fmt):
        """The bytes of export case NAME in format FMT."""
        key = (name, fmt)
        if key not in self._cache:
            params, golden = CASES[name]
            if self.live:
                resp = self.get(fmt, **params)
                assert resp.status_code == 200, f"/export/{fmt} {params}: {resp.status_code} {resp.text}"
                self._cache[key] = resp.content
            else:
                self._cache[key] = (GOLDEN / f"{golden}.{fmt}.golden").read_bytes()
        return self._cache[key]

    def graphql(self, query):
        resp = self.session.post(f"{self.url}/graphql", json={"query": query}, timeout=30)
        resp.raise_for_status()
        body = resp.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]


@pytest.fixture(scope="session")
def exports():
    return Exports(os.environ.get("POLICYGRAPH_URL"))


@pytest.fixture
def live(exports):
    if not exports.live:
        pytest.skip("needs a live server: set POLICYGRAPH_URL, or run make test-python")
    return exports


def pytest_report_header(config):
    url = os.environ.get("POLICYGRAPH_URL")
    return f"policygraph exports: {'live from ' + url if url else 'golden files in ' + str(GOLDEN)}"
