"""pyxnat's file calls against the demo server, unchanged; writes files below OUT and prints one JSON object.

Usage: /usr/bin/python3 pyxnat_files.py SERVER USER PASSWORD OUT
"""
import hashlib
import json
import os
import sys

import pyxnat

server, user, password, out_dir = sys.argv[1:5]
out = {}
md5 = lambda path: hashlib.md5(open(path, "rb").read()).hexdigest()

cdb = pyxnat.Interface(server, user, password)
session = cdb.select.project("HCP_Q1").subject("100307").experiment("100307_3T")

# The session's own resources and their files, each fetched with File.get().
out["session_resources"] = session.resources().get("label")
files = {}
for resource in session.resources():
    for f in resource.files():
        dest = os.path.join(out_dir, "session", resource.label(), f.id())
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        f.get(dest)
        files[f"{resource.label()}/{f.id()}"] = {"md5": md5(dest), "size": int(f.size()), "format": f.format(), "content": f.content()}
out["session_files"] = files

# A scan's resources, their files, and a whole resource as pyxnat's zip (Resource.get).
scan = session.scan("2")
out["scan_resources"] = scan.resources().get("label")
out["scan_resource_ids"] = scan.resources().get()
nifti = scan.resource("NIFTI")
out["nifti_files"] = nifti.files().get()
scan_files = {}
for f in nifti.files():
    dest = os.path.join(out_dir, "scan2", "NIFTI", f.id())
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    f.get(dest)
    scan_files[f"NIFTI/{f.id()}"] = md5(dest)
dicom_dir = os.path.join(out_dir, "zip")
os.makedirs(dicom_dir, exist_ok=True)
scan.resource("DICOM").get(dicom_dir, extract=True)
for root, _, names in os.walk(dicom_dir):
    for name in names:
        path = os.path.join(root, name)
        scan_files[os.path.relpath(path, dicom_dir)] = md5(path)
out["scan_files"] = scan_files

# Project- and subject-level resources.
project = cdb.select.project("HCP_Q1")
out["project_resources"] = project.resources().get("label")
out["project_files"] = project.resource("DOCS").files().get()
subject = project.subject("100307")
out["subject_files"] = subject.resource("NOTES").files().get()

print(json.dumps(out))
