"""Measures the notebook experience: tslab kernel start to ready, and to the first cell's result.

Starts the committed tslab kernelspec with jupyter_client (as Jupyter does), waits for the
kernel_info reply (ready), then runs one cell that imports neuroportal and waits for its
result (tslab sends an expression's value as an execute_result, or a string as stdout text).
Prints the two times and the result text.
"""
import time

from jupyter_client.manager import KernelManager

from benchlib import report, task

t = task()
started = time.perf_counter()
km = KernelManager(kernel_name=t.get("kernel", "tslab"))
km.start_kernel(cwd=t["cwd"])
kc = km.client()
try:
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    ready = time.perf_counter() - started
    msg_id = kc.execute(t["code"])
    result = None
    error = None
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "execute_result":
            result = msg["content"]["data"].get("text/plain")
        elif kind == "stream" and msg["content"].get("name") == "stdout" and result is None:
            result = msg["content"]["text"]
        elif kind == "error":
            error = msg["content"].get("evalue")
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    first = time.perf_counter() - started
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)

report(first, readySeconds=ready, firstResultSeconds=first, result=result, error=error)
