/**
 * Allen Brain Atlas API: RMA queries with paging, expression grid and atlas volume downloads,
 * and MetaImage (.mhd/.raw) volumes.
 */
export { DEFAULT_API, REFERENCE_SPACE_ID, DEFAULT_DATA_SET_ID, DEFAULT_PAGE_ROWS, ATLAS_VOLUME_PATTERN } from "./constants.js";
export { modelQueryUrl, referenceSpaceUrl, gridDataUrl, downloadLinkUrl, pageUrl, isNormalizedQuery, joinUrl, apiBase } from "./rma.js";
export type { ModelQuery, PagingStyle } from "./rma.js";
export { parseEnvelope } from "./envelope.js";
export type { RmaPage } from "./envelope.js";
export { rows, query, queryFrame, fetchPage } from "./query.js";
export type { QueryOptions, PageInfo, RmaRow } from "./query.js";
export { downloadGridFile, downloadAtlasVolume, downloadAndExtract, extractArchive } from "./download.js";
export type { ApiArchiveOptions, ExtractOptions, GridDownloadOptions, AtlasDownloadOptions } from "./download.js";
export { fetchArchive } from "./fetch-archive.js";
export type { ArchiveProgress, ArchiveOptions } from "./fetch-archive.js";
export { readVolume, parseMetaImageHeader, decodeVoxels, voxelBytes, expectedDataBytes, ELEMENT_TYPES } from "./mhd.js";
export type { Volume, MetaImageHeader, ElementType, VoxelArray } from "./mhd.js";
export { slice, valueRange, maskNoData, hasData, unionize, NO_DATA } from "./volume.js";
export type { SliceAxis, SliceOptions, ValueRange, StructureSummary } from "./volume.js";
export { RmaError, IncompletePagingError, MetaImageError, VolumeSizeError, AllenNotFoundError, isRmaError, isIncompletePagingError, isMetaImageError, isVolumeSizeError, isAllenNotFoundError } from "./errors.js";
export { ZipFormatError, isZipFormatError } from "../zip/index.js";
export { LocalWriteError, isLocalWriteError } from "../files/index.js";
