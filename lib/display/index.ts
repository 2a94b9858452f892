/**
 * Display in notebooks: tables and offline plotly charts that render in the live notebook, in
 * saved notebooks and in exported HTML. The public API, as README documents it.
 */
export { show } from "./show.js";
export type { TableOptions } from "./table.js";
export type { Tabular, FrameLike, SeriesLike } from "./table-data.js";
export { plot } from "./plot.js";
export type { PlotOptions } from "./plot.js";
export { progress } from "./progress.js";
export type { Progress, ProgressUpdate, ProgressOptions } from "./progress.js";
export { inKernel, displayMimeBundle } from "./kernel.js";
export type { MimeBundle } from "./kernel.js";
export type { Figure, Trace, Layout, TitleOptions } from "./figures/figure.js";
export { histogram, box, violin } from "./figures/distributions.js";
export type { HistogramOptions, GroupPlotOptions } from "./figures/distributions.js";
export { scatter, scatterMatrix } from "./figures/scatter.js";
export type { ScatterOptions, ScatterMatrixOptions } from "./figures/scatter.js";
export { heatmap, correlationHeatmap } from "./figures/heatmap.js";
export type { HeatmapOptions } from "./figures/heatmap.js";
export { volumeSlice, threeView } from "./figures/volume.js";
export type { VolumeLike, VolumeAxis, VolumeSliceOptions, ThreeViewOptions } from "./figures/volume.js";
export type { NumberSource } from "./figures/columns.js";
export { summarize, groupSummary } from "./summary.js";
export { formatList } from "./list.js";
export type { ListFormatOptions } from "./list.js";
