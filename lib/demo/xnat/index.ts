import type { RunningService } from "../types.js";

/** Options of the demo xnat service. (Placeholder until the xnat slice lands.) */
export interface XnatDemoOptions {
  port?: number;
}

export async function startXnatDemo(_options: XnatDemoOptions = {}): Promise<RunningService<any>> {
  throw new Error("the xnat demo service is not built yet");
}
