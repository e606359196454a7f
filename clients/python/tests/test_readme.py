"""The Python examples of the READMEs run, in order, against the live
server: those of the repository README's "Exporting the graph" and "From a
notebook" sections, and those of the client's own README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCS = {
    "README.md": ("## Exporting the graph", "## Loading data into Neo4j"),
    "clients/python/README.md": ("", ""),
}


def python_blocks(name: str) -> list[str]:
    text = (ROOT / name).read_text()
    start, end = DOCS[name]
    if start:
        text = text[text.index(start):text.index(end)]
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


@pytest.mark.parametrize("name", DOCS)
def test_readme_python_runs(name: str, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(name)
    assert blocks, f"no python examples in {name}"
    monkeypatch.chdir(tmp_path)  # examples may save files
    namespace: dict[str, object] = {}
    for i, block in enumerate(blocks):
        code = block.replace("http://127.0.0.1:8080", url)
        exec(compile(code, f"{name} python example {i + 1}", "exec"), namespace)
