export { readZip } from "./read.js";
export type { ZipEntry } from "./read.js";
export { resolveInside } from "./safe-path.js";
export { ZipFormatError, isZipFormatError } from "./errors.js";
export type { ZipProblem } from "./errors.js";
export { openZipFile, MAX_DEFLATE_RATIO } from "./zip-file.js";
export type { ZipFile, ZipFileEntry } from "./zip-file.js";
