/**
 * Allen Brain Atlas API: RMA queries with paging, expression grid and atlas volume downloads,
 * and MetaImage (.mhd/.raw) volumes. The public API, as README documents it.
 */
export { rows, query, queryFrame } from "./query.js";
export type { QueryOptions, PageInfo, PagingSummary, PagingStop, PagingWarning, RmaRow } from "./query.js";
export { modelQueryUrl, referenceSpaceUrl } from "./rma.js";
export type { ModelQuery, PagingStyle } from "./rma.js";
export { downloadGridFile, downloadAtlasVolume, downloadAndExtract } from "./download.js";
export type { ApiArchiveOptions, ExtractOptions, GridDownloadOptions, AtlasDownloadOptions } from "./download.js";
export type { ArchiveProgress, ArchiveOptions } from "./fetch-archive.js";
export { readVolume } from "./mhd.js";
export type { Volume, MetaImageHeader, ElementType, VoxelArray } from "./mhd.js";
export { slice, valueRange, maskNoData, unionize } from "./volume.js";
export type { SliceAxis, SliceOptions, ValueRange, StructureSummary } from "./volume.js";
export { RmaError, MetaImageError, VolumeSizeError, AllenNotFoundError, isRmaError, isMetaImageError, isVolumeSizeError, isAllenNotFoundError } from "./errors.js";
export { ZipFormatError, isZipFormatError } from "../zip/errors.js";
export type { ZipProblem } from "../zip/errors.js";
