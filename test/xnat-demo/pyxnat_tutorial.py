"""The ConnectomeDB tutorial's own pyxnat steps, run against the demo server; prints one JSON object.

Usage: /usr/bin/python3 pyxnat_tutorial.py SERVER USER PASSWORD
"""
import json
import sys
import xml.etree.ElementTree as ET

import pyxnat

server, user, password = sys.argv[1:4]
out = {}

cdb = pyxnat.Interface(server, user, password)
out["projects"] = cdb.select.projects().get()

q1 = cdb.select.project("HCP_Q1")
out["q1_labels"] = [subject.label() for subject in q1.subjects()]
out["q1_ids"] = q1.subjects().get()
out["experiments_100307"] = [expt.label() for expt in q1.subject("100307").experiments()]
session = q1.subject("100307").experiment("100307_3T")
out["scans_3T"] = session.scans().get()
out["scan_9_type"] = ET.fromstring(session.scan("9").get()).attrib["type"]
out["label_of_S00230"] = q1.subject("ConnectomeDB_S00230").label()
out["id_of_100307"] = q1.subject("100307").id()

nt = q1.subject("100307").experiment("100307_NonToolbox")
document = nt.get()
out["xml_first_line"] = document.decode().split("\n")[0]
dom = ET.fromstring(document)
out["root_tag"] = dom.tag
out["root_attrib"] = {key: value for key, value in dom.attrib.items() if not key.startswith("{")}
out["shares"] = [share.attrib for share in dom.find("{http://nrg.wustl.edu/xnat}sharing")]
out["subject_id"] = dom.find("{http://nrg.wustl.edu/xnat}subject_ID").text
out["er40"] = [[e.tag, e.text] for e in dom.find("{http://nrg.wustl.edu/nt}ER40")]
out["xpath_er40_cr"] = nt.xpath("nt:ER40/nt:ER40_CR")[0].text

xsitype = "nt:scores"
fields = ["SUBJECT_ID"] + ["NEO_NEOFAC_{}".format(e) for e in "AOCNE"]
fields = ["{}/{}".format(xsitype, f) for f in fields]
constraints = [(xsitype + "/PROJECTS", "LIKE", "%HCP_Q1%")]
table = cdb.select(xsitype, fields).where(constraints)
out["neo_repr"] = repr(table)
out["neo_len"] = len(table)
out["neo_headers"] = list(table.headers())
out["neo_first_items"] = [list(row) for row in table.items()[:2]]
neoffi_fields = list(table.headers())[1:]  # Python 3: headers() is a dict view
neoffi = {q1.subject(row[0]).label(): row[1:] for row in table.items()}
out["neo_143325"] = dict(zip(neoffi_fields, neoffi["143325"]))
ia = neoffi_fields.index("neo_neofac_a")
out["high_a_local"] = sorted(k for k, v in neoffi.items() if v[ia] and int(v[ia]) > 40)
out["missing_neo_a"] = sorted(k for k, v in neoffi.items() if not v[ia])

constraints = [("nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"), ("nt:scores/NEO_NEOFAC_A", ">", "40"), "AND"]
table = cdb.select("nt:scores", fields).where(constraints)
out["high_a_server"] = [q1.subject(row[0]).label() for row in table.items()]

fields = ["nt:scores/" + n for n in ["SUBJECT_ID", "CPW_IWRD_TOT", "CPW_IWRD_RTC"]]
constraints = [("nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"), ("nt:scores/CPW_IWRD_TOT", ">=", "30"), ("nt:scores/CPW_IWRD_TOT", "<", "35"), "AND"]
table = cdb.select("nt:scores", fields).where(constraints)
out["cpw_in_len"] = len(table)
out["cpw_in"] = [q1.subject(r[0]).label() for r in table.items()]

constraints = [("nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"), [("nt:scores/CPW_IWRD_TOT", "<", "30"), ("nt:scores/CPW_IWRD_TOT", ">=", "35"), "OR"], "AND"]
table = cdb.select("nt:scores", fields).where(constraints)
out["cpw_out_len"] = len(table)
out["cpw_out"] = [q1.subject(r[0]).label() for r in table.items()]

out["nt_fields_sample"] = [f for f in cdb.inspect.datatypes("nt:scores") if "NEO" in f]
out["datatypes"] = cdb.inspect.datatypes("nt:*")

search = cdb.manage.search
search.save("high agreeableness", "nt:scores", ["nt:scores/SUBJECT_ID", "nt:scores/NEO_NEOFAC_A"],
            [("nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"), ("nt:scores/NEO_NEOFAC_A", ">", "40"), "AND"],
            description="NEO-FFI agreeableness above 40 in HCP_Q1")
out["saved"] = search.saved()
saved = search.get("high_agreeableness")
out["saved_results"] = sorted(row["subject_id"] for row in saved)
out["saved_query"] = search.get("high_agreeableness", "query")
search.delete("high_agreeableness")
out["saved_after_delete"] = search.saved()

cdb.disconnect()
# pyxnat resends Basic credentials on every request, so an ended session is replaced silently.
out["projects_after_disconnect"] = cdb.select.projects().get()

bad = pyxnat.Interface(server, user, password + "-wrong")
out["wrong_password_projects"] = bad.select.projects().get()

print(json.dumps(out))
