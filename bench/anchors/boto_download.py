"""Anchor: the seed's sequential boto loop over bucket.list(prefix), each file MD5-checked.

For every key under the prefix: create its folder, stream it to a file with
key.get_contents_to_file (boto 2, Debian python3-boto), hashing the bytes as they are
written, and compare the MD5 with the object's ETag (single-part uploads).
"""
import hashlib
import os

import boto
import boto.s3.connection

from benchlib import Timer, report, task


class HashingFile:
    """A writable file that also feeds an MD5 with what it writes."""

    def __init__(self, f):
        self.f = f
        self.md5 = hashlib.md5()

    def write(self, data):
        self.md5.update(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)


t = task()
endpoint = t["endpoint"].rstrip("/").split("//", 1)[1]
host, port = endpoint.split(":")
with Timer() as timer:
    s3 = boto.connect_s3(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], host=host, port=int(port), is_secure=False,
                         calling_format=boto.s3.connection.OrdinaryCallingFormat())
    bucket = s3.get_bucket(t["bucket"], validate=False)
    files = 0
    size = 0
    mismatches = []
    for k in bucket.list(t["prefix"]):
        if k.name.endswith("/"):
            continue
        target = os.path.join(t["dest"], k.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            hashing = HashingFile(f)
            k.get_contents_to_file(hashing)
        if hashing.md5.hexdigest() != k.etag.strip('"'):
            mismatches.append(k.name)
        files += 1
        size += k.size

report(timer.seconds, files=files, bytes=size, mismatches=mismatches)
