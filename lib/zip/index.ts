export { readZip } from "./read.js";
export type { ZipEntry } from "./read.js";
export { resolveInside } from "./safe-path.js";
export { ZipFormatError, isZipFormatError } from "./errors.js";
export type { ZipProblem } from "./errors.js";
