/**
 * HCP data on S3: listings as DataFrames, `.xdlm` manifests, verified parallel resumable
 * downloads. The public API, as README documents it.
 */
export { bucket, fromServices } from "./bucket.js";
export type { Bucket, ListOptions, WalkOptions } from "./bucket.js";
export type { BucketOptions, S3Credentials, S3ServiceInfo } from "./options.js";
export { toListingFrame } from "./entries.js";
export type { S3Entry } from "./entries.js";
export { fromManifestJson, toManifestFrame, verifyFolder } from "./manifest.js";
export type { ManifestEntry, VerifyReport } from "./manifest.js";
export type { DownloadOptions, DownloadProgress, DownloadSummary, DownloadedFile, VerifiedBy, KnownObject } from "./download.js";
export { S3Error, isS3Error, isS3AccessError, isS3NotFoundError } from "./errors.js";
