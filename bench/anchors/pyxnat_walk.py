"""Anchor: the full project -> subject -> experiment walk with pyxnat, as the seed does it.

Projects visible to the user, the labels of every subject of the project
([subject.label() for subject in q1.subjects()]), then every subject's experiment labels
([expt.label() for expt in q1.subject(label).experiments()]).
"""
import os

import pyxnat

from benchlib import Timer, report, task

t = task()
with Timer() as timer:
    cdb = pyxnat.Interface(server=t["url"].rstrip("/"), user=t["user"], password=os.environ["BENCH_XNAT_PASSWORD"])
    projects = [project.id() for project in cdb.select.projects()]
    q1 = cdb.select.project(t["project"])
    subjects = [subject.label() for subject in q1.subjects()]
    experiments = {label: [expt.label() for expt in q1.subject(label).experiments()] for label in subjects}

report(
    timer.seconds,
    projects=sorted(projects),
    subjects=len(subjects),
    experiments=sum(len(v) for v in experiments.values()),
    first=[subjects[0], experiments[subjects[0]]] if subjects else None,
)
