/**
 * neuroportal: neuroscience data portals as DataFrames and plots in TypeScript notebooks.
 * The public API, listed explicitly.
 */
export * as http from "./http/index.js";
export * as frame from "./frame/index.js";
export { services, REAL_SERVICES, DemoNotInstalledError, isDemoNotInstalledError } from "./config/index.js";
export type { Services, ServiceSource, DemoInfo, DemoPackageProblem } from "./config/index.js";
export {
  NeuroportalError,
  HttpError,
  NetworkError,
  TimeoutError,
  UnexpectedContentError,
  InvalidArgumentError,
  UnsafePathError,
  IntegrityError,
  isNeuroportalError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
  isUnexpectedContentError,
  isInvalidArgumentError,
  isUnsafePathError,
  isIntegrityError,
} from "./http/errors.js";
export { LocalWriteError, isLocalWriteError, FileHashError, isFileHashError } from "./files/index.js";
export { mapLimit } from "./concurrency/index.js";
export * as allen from "./allen/index.js";
export * as xnat from "./xnat/index.js";
export * as s3 from "./s3/index.js";
export * as display from "./display/index.js";
export * as notebooks from "./notebooks/index.js";
export { show, plot, progress, histogram, box, violin, scatter, scatterMatrix, heatmap, correlationHeatmap, volumeSlice, threeView, toHtmlTable, summarize, groupSummary } from "./display/index.js";
