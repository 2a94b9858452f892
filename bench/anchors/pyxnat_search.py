"""Anchor: the ConnectomeDB tutorial's searches with pyxnat, labels looked up one request per row.

Follows the seed step by step: the NEO-FFI search over HCP_Q1 turned into a label-keyed
dictionary with q1.subject(id).label() per row, then the three server-side searches
(agreeableness > 40, CPW_IWRD_TOT in [30, 35), and its complement) with labels per row.
"""
import os

import pyxnat

from benchlib import Timer, report, task

t = task()
with Timer() as timer:
    cdb = pyxnat.Interface(server=t["url"].rstrip("/"), user=t["user"], password=os.environ["BENCH_XNAT_PASSWORD"])
    q1 = cdb.select.project(t["project"])

    xsitype = "nt:scores"
    fields = ["SUBJECT_ID"] + ["NEO_NEOFAC_{}".format(e) for e in "AOCNE"]
    fields = ["{}/{}".format(xsitype, f) for f in fields]
    constraints = [(xsitype + "/PROJECTS", "LIKE", "%" + t["project"] + "%"), "AND"]
    table = cdb.select(xsitype, fields).where(constraints)
    neoffi_fields = list(table.headers())[1:]  # Python 3: headers() is a dict view
    neoffi = {q1.subject(row[0]).label(): row[1:] for row in table.items()}
    ia = neoffi_fields.index("neo_neofac_a")
    local_agreeable = sorted(k for k, v in neoffi.items() if v[ia] and int(v[ia]) > 40)

    constraints = [("nt:scores/PROJECTS", "LIKE", "%" + t["project"] + "%"), ("nt:scores/NEO_NEOFAC_A", ">", "40"), "AND"]
    table = cdb.select("nt:scores", fields).where(constraints)
    agreeable = [q1.subject(row[0]).label() for row in table.items()]

    fields = ["nt:scores/" + n for n in ["SUBJECT_ID", "CPW_IWRD_TOT", "CPW_IWRD_RTC"]]
    constraints = [("nt:scores/PROJECTS", "LIKE", "%" + t["project"] + "%"), ("nt:scores/CPW_IWRD_TOT", ">=", "30"), ("nt:scores/CPW_IWRD_TOT", "<", "35"), "AND"]
    table = cdb.select("nt:scores", fields).where(constraints)
    cpw_inside = [q1.subject(r[0]).label() for r in table.items()]

    constraints = [("nt:scores/PROJECTS", "LIKE", "%" + t["project"] + "%"), [("nt:scores/CPW_IWRD_TOT", "<", "30"), ("nt:scores/CPW_IWRD_TOT", ">=", "35"), "OR"], "AND"]
    table = cdb.select("nt:scores", fields).where(constraints)
    cpw_outside = [q1.subject(r[0]).label() for r in table.items()]

report(
    timer.seconds,
    neoffiRows=len(neoffi),
    neoffi143325=dict(zip(neoffi_fields, neoffi.get("143325", []))),
    localAgreeable=local_agreeable,
    agreeable=agreeable,
    cpwInside=cpw_inside,
    cpwOutside=cpw_outside,
)
