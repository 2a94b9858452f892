/** HCP data on S3: listings as DataFrames, `.xdlm` manifests, verified parallel resumable downloads. */
export { Bucket, bucket, fromServices } from "./bucket.js";
export type { ListOptions, WalkOptions } from "./bucket.js";
export { optionsFrom, clientConfigFrom, parseS3Location } from "./options.js";
export type { BucketOptions, S3Credentials, S3ServiceInfo } from "./options.js";
export { entriesToFrame, etagIsMd5, LISTING_COLUMNS } from "./entries.js";
export type { S3Entry } from "./entries.js";
export { parseManifest, manifestToFrame, verifyFolder, MANIFEST_COLUMNS } from "./manifest.js";
export { md5OfFile } from "../files/file-hasher.js";
export type { ManifestEntry, VerifyReport } from "./manifest.js";
export { downloadObjects } from "./download.js";
export type { DownloadOptions, DownloadProgress, DownloadSummary, DownloadedFile, RemoteObject, ObjectGetter, VerifiedBy } from "./download.js";
export { localPathFor } from "./paths.js";
export { S3Error, DownloadIncompleteError, toS3Error, isS3Error, isS3AccessError, isS3NotFoundError, isTransientS3Error, isDownloadIncompleteError } from "./errors.js";
export { LocalWriteError, isLocalWriteError, assertWritableFolder } from "../files/index.js";
