"""Anchor: experiment XML documents to one table with ElementTree, walking elements as the seed does.

The seed parses one NonToolbox document with ET.fromstring and reads a score group with
[[e.tag, e.text] for e in group]. Here every document in a folder gets that walk for every
score group, giving one row per experiment (ID, label, project, subject_ID, then one column
per score named group/field) in a list of dicts.
"""
import os
import xml.etree.ElementTree as ET

from benchlib import Timer, report, task

XNAT = "{http://nrg.wustl.edu/xnat}"


def local(tag):
    return tag.rsplit("}", 1)[-1]


def row_of(text):
    dom = ET.fromstring(text)
    row = {"ID": dom.get("ID"), "label": dom.get("label"), "project": dom.get("project")}
    for child in dom:
        if child.tag == XNAT + "subject_ID":
            row["subject_ID"] = child.text
        elif child.tag.startswith(XNAT):
            continue
        elif len(child):
            group = local(child.tag)
            for e in child:
                row[group + "/" + local(e.tag)] = e.text
        else:
            row[local(child.tag)] = child.text
    return row


t = task()
folder = t["folder"]
names = sorted(os.listdir(folder))[: t["count"]]
with Timer() as timer:
    rows = []
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            rows.append(row_of(f.read()))
    columns = {}
    for row in rows:
        for key in row:
            columns.setdefault(key, None)

probe = next((r for r in rows if r.get("label") == t.get("probeLabel")), rows[0] if rows else {})
report(
    timer.seconds,
    documents=len(rows),
    columns=len(columns),
    probe={k: probe.get(k) for k in t.get("probeColumns", [])},
)
