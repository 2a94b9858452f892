"""Anchor: the seed's QueryAPI loop (sequential pages of 2000 rows with urllib and json)."""
import json
import urllib.request

from benchlib import repeat, report, task


def query_api(url):
    start_row = 0
    num_rows = 2000
    total_rows = -1
    rows = []
    done = False
    while not done:
        paged_url = url + "&startRow=%d&numRows=%d" % (start_row, num_rows)
        source = urllib.request.urlopen(paged_url).read()
        response = json.loads(source)
        rows += response["msg"]
        if total_rows < 0:
            total_rows = int(response["total_rows"])
        start_row += len(response["msg"])
        if start_row >= total_rows:
            done = True
    return rows


t = task()
rows, cold, warm = repeat(lambda: query_api(t["url"]), t.get("repeat", 1))
report(cold, warmSeconds=warm, rows=len(rows), firstId=rows[0].get("id") if rows else None, lastId=rows[-1].get("id") if rows else None)
