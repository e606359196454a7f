"""Execute a notebook headless, failing on the first cell that raises.

    python notebooks/run.py notebooks/policygraph.ipynb [--out DIR] [--timeout SECONDS]

The notebook runs in its own directory with matplotlib's Agg backend, so it
needs no display. The executed copy, outputs included, is written to
DIR/<name>.ipynb (default notebooks/out/), also when a cell fails, so the
error can be read in context; the notebook in git keeps no outputs. The
notebook learns DIR from POLICYGRAPH_OUT, to save its figures there.

Usually started by scripts/notebook, which starts a server first and sets
POLICYGRAPH_URL.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out",
                        help="where the executed notebook and its figures go")
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", "120")),
                        help="seconds a cell may take")
    args = parser.parse_args()

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ["POLICYGRAPH_OUT"] = str(out)  # the kernel inherits the environment
    os.environ["MPLBACKEND"] = "Agg"

    nb = nbformat.read(args.notebook, as_version=4)
    executed = out / args.notebook.name
    with tempfile.TemporaryDirectory(prefix="policygraph-kernel-") as sockets:
        # The kernel talks over Unix sockets in a private directory rather
        # than TCP ports that any local user could reach.
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
        client = NotebookClient(
            nb,
            km=km,
            timeout=args.timeout,
            kernel_name="python3",  # the venv's own interpreter
            resources={"metadata": {"path": str(args.notebook.parent.resolve())}},
        )
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError) as err:
            nbformat.write(nb, executed)
            print(f"run: {args.notebook} failed; the executed copy is {executed}\n{err}", file=sys.stderr)
            return 1
        finally:
            if km.has_kernel:  # a kernel manager passed in is ours to stop
                km.shutdown_kernel()
    nbformat.write(nb, executed)
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"run: {args.notebook}: {cells} code cells ran without error; executed copy in {executed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
