/**
 * neuroportal: neuroscience data portals as DataFrames and plots in TypeScript notebooks.
 * The public API, listed explicitly.
 */
export * as http from "./http/index.js";
export * as frame from "./frame/index.js";
export * as demo from "./demo/index.js";
export { services, REAL_SERVICES } from "./config/index.js";
export type { Services, ServiceSource } from "./config/index.js";
export { NeuroportalError, InvalidArgumentError, UnsafePathError, IntegrityError, isNeuroportalError, isInvalidArgumentError, isUnsafePathError, isIntegrityError } from "./errors.js";
export { HttpError, NetworkError, TimeoutError, UnexpectedContentError, isHttpError, isNetworkError, isTimeoutError, isUnexpectedContentError } from "./http/errors.js";
export { LocalWriteError, isLocalWriteError, FileHashError, isFileHashError } from "./files/index.js";
export { mapLimit } from "./core/pool.js";
export * as allen from "./allen/index.js";
export * as xnat from "./xnat/index.js";
export * as s3 from "./s3/index.js";
export * as display from "./display/index.js";
export * as notebooks from "./notebooks/index.js";
export { show, plot, progress, histogram, box, violin, scatter, scatterMatrix, heatmap, correlationHeatmap, volumeSlice, threeView, toHtmlTable, summarize, groupSummary } from "./display/index.js";
