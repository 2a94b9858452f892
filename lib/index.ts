/**
 * neuroportal: neuroscience data portals as DataFrames and plots in TypeScript notebooks.
 * The public API, listed on purpose: what README documents, internal helpers left out.
 */
export * as frame from "./frame/index.js";
export { services, REAL_SERVICES, DemoNotInstalledError, isDemoNotInstalledError } from "./config/index.js";
export type { Services, ServiceSource, ServicesOptions, AllenService, XnatService, S3Service, ServiceEntry, ServiceOrigin, DemoInfo, DemoPackageProblem } from "./config/index.js";
export { NeuroportalError, InvalidArgumentError, UnsafePathError, IntegrityError, isNeuroportalError, isInvalidArgumentError, isUnsafePathError, isIntegrityError } from "./errors.js";
export { HttpError, NetworkError, TimeoutError, UnexpectedContentError, ResponseTooLargeError, isHttpError, isNetworkError, isTimeoutError, isUnexpectedContentError, isResponseTooLargeError } from "./http/errors.js";
export type { BodyKind } from "./http/body-kind.js";
export type { HttpOptions } from "./http/request.js";
export type { FetchLike } from "./http/transport.js";
export type { RetryPolicy, RetryEvent, RetryNotice } from "./core/retry.js";
export { observeRetries } from "./core/retry.js";
export { LocalWriteError, isLocalWriteError } from "./files/local-write.js";
export { FileHashError, isFileHashError } from "./files/file-hasher.js";
export { PartFileBusyError, isPartFileBusyError } from "./files/part-lock.js";
export type { LockOwner, BusyPolicy, TransferOptions } from "./files/download-types.js";
export * as allen from "./allen/index.js";
export * as xnat from "./xnat/index.js";
export * as s3 from "./s3/index.js";
export * as cohort from "./cohort/index.js";
export * as display from "./display/index.js";
export { show, plot, progress, histogram, box, violin, scatter, scatterMatrix, heatmap, correlationHeatmap, volumeSlice, threeView, summarize, groupSummary, formatList } from "./display/index.js";

import { noticeRetriesInNotebooks } from "./display/retry-notice.js";
/** Retries show as an updating line in notebooks (nothing outside a kernel). */
noticeRetriesInNotebooks();
