#!/usr/bin/python3
"""Execute one notebook under its kernel, fail on any cell error, print the failing cell's
output, write the executed notebook (even on failure) and an HTML report.

usage: run_notebook.py IN.ipynb OUT.ipynb [OUT.html] [--timeout SECONDS]
The last line printed on stdout is a JSON summary: cells, status, seconds, failed_cell.
"""
import asyncio
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError


def notebook_title(nb, path):
    """The report's title: the notebook's metadata title, else its first heading, else the file name."""
    title = nb.metadata.get("title")
    if title:
        return title
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#{1,6}\s+(.+?)\s*#*\s*$", cell.source, re.M)
            if match:
                return re.sub(r"[`*_]", "", match.group(1)).strip()
    return os.path.splitext(os.path.basename(path))[0]


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    timeout = 300
    if "--timeout" in argv:
        timeout = int(argv[argv.index("--timeout") + 1])
        args.remove(str(timeout))
    src, out_ipynb = args[0], args[1]
    out_html = args[2] if len(args) > 2 else None
    nb = nbformat.read(src, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    started = {}
    failed = {"index": None}

    def on_start(cell, cell_index):
        started[cell_index] = time.monotonic()

    async def on_done(cell, cell_index, execute_reply):
        status = execute_reply["content"]["status"]
        seconds = time.monotonic() - started.get(cell_index, time.monotonic())
        print(f"  cell {cell_index:>2} {status:<5} {seconds:6.2f}s", file=sys.stderr, flush=True)
        if status != "ok":
            failed["index"] = cell_index
            print(f"--- cell {cell_index} failed; its source:", file=sys.stderr)
            print(cell.source, file=sys.stderr)
            print("--- its output:", file=sys.stderr)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    print(output.get("text", ""), file=sys.stderr)
                elif "data" in output and "text/plain" in output["data"]:
                    print(output["data"]["text/plain"], file=sys.stderr)
            print("---", file=sys.stderr, flush=True)
            await asyncio.sleep(0.3)  # tslab aborts requests arriving in the next 200 ms

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "tslab"),
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
        on_cell_start=on_start,
        on_cell_executed=on_done,
    )
    t0 = time.monotonic()
    status = "ok"
    try:
        client.execute()
    except CellExecutionError:
        status = "error"
    except DeadKernelError as e:
        status = "error"
        print(f"the kernel died: {e}", file=sys.stderr)
    except Exception as e:  # timeouts and kernel start failures
        status = "error"
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
    seconds = time.monotonic() - t0
    os.makedirs(os.path.dirname(os.path.abspath(out_ipynb)), exist_ok=True)
    nbformat.write(nb, out_ipynb)
    html_bytes = None
    if out_html:
        from nbconvert import HTMLExporter
        title = notebook_title(nb, src)
        body, _ = HTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
        with open(out_html, "w", encoding="utf-8") as f:
            f.write(body)
        html_bytes = len(body.encode("utf-8"))
    print(json.dumps({"cells": len(code_cells), "status": status, "seconds": round(seconds, 2),
                      "failed_cell": failed["index"], "html_bytes": html_bytes}), flush=True)
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
