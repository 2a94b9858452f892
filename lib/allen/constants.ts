/** The public Allen Brain Atlas API (base URL with its trailing slash). */
export const DEFAULT_API = "https://api.brain-map.org/";
/** The seed script's reference space: P56 Brain, L/R flipped (sagittal data). */
export const REFERENCE_SPACE_ID = 10;
/** The seed script's default SectionDataSet. */
export const DEFAULT_DATA_SET_ID = 69855739;
/** Rows asked for per page, as the seed script does. */
export const DEFAULT_PAGE_ROWS = 2000;
/** The include filter that selects the atlas volume among a reference space's files. */
export const ATLAS_VOLUME_PATTERN = "*atlasVolume.zip";
