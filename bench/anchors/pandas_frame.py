"""Anchor: a typed pandas DataFrame from an XNAT search result in JSON (Debian python3-pandas).

Parses the JSON text and builds the frame column by column from ResultSet.Result (every cell a
string, as XNAT sends it): columns the Columns metadata types as numbers go through
pd.to_numeric(errors="coerce") (blank -> NaN), the rest stay strings. Column-wise construction
is pandas' fast path; assigning converted columns into a frame built from the records one by
one is about ten times slower on this shape.
"""
import json
import resource

import pandas as pd

from benchlib import Timer, report, task

NUMERIC = {"integer", "float", "double", "number", "decimal", "int", "long"}


def to_frame(raw):
    result_set = json.loads(raw)["ResultSet"]
    records = result_set["Result"]
    columns = {}
    for column in result_set["Columns"]:
        key = column["key"]
        values = [record.get(key, "") for record in records]
        if column.get("type", "string").lower() in NUMERIC:
            columns[key] = pd.to_numeric(pd.Series(values), errors="coerce")
        else:
            columns[key] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns)


t = task()
with open(t["file"], "rb") as f:
    raw = f.read()
baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with Timer() as timer:
    frame = to_frame(raw)
shape = frame.shape
numeric = sum(1 for dtype in frame.dtypes if dtype.kind in "if")
report(timer.seconds, baselineRssKb=baseline_kb, rows=shape[0], columns=shape[1], numericColumns=numeric, probe=frame.iloc[0, 0] if shape[0] else None)
