import type { RequestListener } from "node:http";
import { listenLoopback } from "../loopback.js";
import type { RunningService } from "../types.js";
import { createAllenDemoData, createAllenHandler } from "./handler.js";

/** Options of the demo Allen service. */
export interface AllenDemoOptions {
  /** Port on 127.0.0.1 (0, the default, picks a free one). */
  port?: number;
  /** Wraps the service's single request handler (e.g. with fault injection) before it listens. */
  wrapHandler?: (handler: RequestListener) => RequestListener;
}

/**
 * Starts an Allen-Brain-Atlas-API-compatible server on 127.0.0.1: RMA queries (legacy and
 * normalized, every paging spelling), reference spaces 9 and 10 with well-known files,
 * `well_known_file_download/<id>` and `grid_data/download/<id>` zips with MetaImage volumes.
 * All data is synthetic and deterministic.
 */
export async function startAllenDemo(options: AllenDemoOptions = {}): Promise<RunningService<{ url: string }>> {
  const handler = createAllenHandler(createAllenDemoData());
  const server = await listenLoopback(options.wrapHandler ? options.wrapHandler(handler) : handler, options.port ?? 0);
  return { info: { url: server.url }, close: server.close };
}

export { createAllenHandler, createAllenDemoData } from "./handler.js";
export type { AllenDemoData } from "./handler.js";
export { DATA_SETS, WELL_KNOWN_FILES } from "./catalog.js";
export { GRID_DIMS, GRID_SPACING } from "./anatomy.js";
