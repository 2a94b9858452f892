"""boto3 as the reference S3 client of the tests: one JSON request per line on stdin, one JSON
answer per line on stdout. Started by test/helpers/s3-servers.ts against one endpoint.

usage: python3 boto3_reference.py ENDPOINT REGION ACCESS_KEY_ID   (secret key in BOTO3_REFERENCE_SECRET)

requests: {"op": "list", "bucket", "prefix", "delimiter"?}   -> {"entries": [{key, size, etag, isPrefix}]}
          {"op": "read", "bucket", "key"}                    -> {"md5", "size", "etag"}
          {"op": "seed", "bucket", "objects": [{key, file}]} -> {"count"}   (creates the bucket)
          {"op": "put", "bucket", "key", "text"}             -> {"etag"}
errors:   {"error": {"code", "message", "status"}}
"""
import hashlib, json, os, sys
from concurrent.futures import ThreadPoolExecutor

import boto3, botocore
from botocore.config import Config

endpoint, region, access_key = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=access_key,
    aws_secret_access_key=os.environ["BOTO3_REFERENCE_SECRET"],
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, max_pool_connections=16,
                  request_checksum_calculation="when_required", response_checksum_validation="when_required"),
)


def list_entries(bucket, prefix, delimiter=None):
    args = {"Bucket": bucket, "Prefix": prefix}
    if delimiter:
        args["Delimiter"] = delimiter
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(**args):
        for item in page.get("Contents", []):
            out.append({"key": item["Key"], "size": item["Size"], "etag": item["ETag"].strip('"'), "isPrefix": False})
        for common in page.get("CommonPrefixes", []):
            out.append({"key": common["Prefix"], "isPrefix": True})
    # objects and common prefixes of a page come in two lists; S3's order is by UTF-8 bytes
    return {"entries": sorted(out, key=lambda entry: entry["key"].encode("utf-8"))}


def read(bucket, key):
    answer = s3.get_object(Bucket=bucket, Key=key)
    body = answer["Body"].read()
    return {"md5": hashlib.md5(body).hexdigest(), "size": len(body), "etag": answer["ETag"].strip('"')}


def seed(bucket, objects):
    try:
        s3.create_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise

    def put(item):
        with open(item["file"], "rb") as f:
            s3.put_object(Bucket=bucket, Key=item["key"], Body=f.read())

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, objects))
    return {"count": len(objects)}


def handle(request):
    op = request["op"]
    if op == "list":
        return list_entries(request["bucket"], request.get("prefix", ""), request.get("delimiter"))
    if op == "read":
        return read(request["bucket"], request["key"])
    if op == "seed":
        return seed(request["bucket"], request["objects"])
    if op == "put":
        answer = s3.put_object(Bucket=request["bucket"], Key=request["key"], Body=request["text"].encode("utf-8"))
        return {"etag": answer["ETag"].strip('"')}
    raise ValueError(f"unknown op {op}")


for line in sys.stdin:
    try:
        result = handle(json.loads(line))
    except botocore.exceptions.ClientError as error:
        result = {"error": {"code": error.response["Error"].get("Code"), "message": error.response["Error"].get("Message"), "status": error.response["ResponseMetadata"].get("HTTPStatusCode")}}
    except Exception as error:  # reported to the test, which fails with it
        result = {"error": {"code": type(error).__name__, "message": str(error)}}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
