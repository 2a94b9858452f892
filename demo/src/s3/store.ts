import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DemoBucket } from "./layout.js";

/**
 * Writes buckets in s3rver 3.7.1's filesystem-store layout: one folder per bucket and, for
 * each key, `<key>._S3rver_object` plus its cached `.md5`. Modification times are the objects'
 * LastModified, so listings are reproducible.
 */
export function writeS3rverStore(directory: string, buckets: readonly DemoBucket[]): void {
  for (const bucket of buckets) {
    const bucketDir = path.join(directory, bucket.name);
    fs.mkdirSync(bucketDir, { recursive: true });
    const made = new Set<string>();
    for (const object of bucket.objects) {
      const parts = object.key.split("/");
      const leaf = parts.pop()!;
      const folder = path.join(bucketDir, ...parts);
      if (!made.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      const file = path.join(folder, `${leaf}._S3rver_object`);
      fs.writeFileSync(file, object.body);
      fs.writeFileSync(`${file}.md5`, createHash("md5").update(object.body).digest("hex"));
      fs.utimesSync(file, object.lastModified, object.lastModified);
    }
  }
}
