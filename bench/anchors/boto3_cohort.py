"""boto3 anchor of the cohort download: list each subject's MOTOR results, keep the keys that
match the patterns, and download them with boto3's TransferManager (s3transfer), as a user's
script would. Keys come from the environment; the task gives the endpoint, bucket, root,
subjects, patterns and target folder."""
import os
import re

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config

from benchlib import Timer, report, task


def glob_regex(pattern):
    """A glob over a path inside the subject folder: * and ? stay within one folder."""
    return re.compile("^" + "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in pattern) + "$")


def main():
    t = task()
    config = TransferConfig(max_concurrency=t.get("concurrency", 10))
    client = boto3.client("s3", endpoint_url=t["endpoint"], region_name=t["region"], config=Config(s3={"addressing_style": "path"}, max_pool_connections=config.max_concurrency + 2))
    patterns = [glob_regex(p) for p in t["include"]]
    with Timer() as timer:
        keys = []
        paginator = client.get_paginator("list_objects_v2")
        for subject in t["subjects"]:
            folder = f"{t['root']}{subject}/"
            for page in paginator.paginate(Bucket=t["bucket"], Prefix=folder + t["listUnder"]):
                for item in page.get("Contents", []):
                    if any(p.match(item["Key"][len(folder):]) for p in patterns):
                        keys.append((item["Key"], item["Size"]))
        with create_transfer_manager(client, config) as manager:
            futures = []
            for key, _ in keys:
                target = os.path.join(t["dest"], key)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                futures.append(manager.download(t["bucket"], key, target))
            for future in futures:
                future.result()
    report(timer.seconds, files=len(keys), bytes=sum(size for _, size in keys))


main()
