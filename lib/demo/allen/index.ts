import type { RunningService } from "../types.js";

/** Options of the demo allen service. (Placeholder until the allen slice lands.) */
export interface AllenDemoOptions {
  port?: number;
}

export async function startAllenDemo(_options: AllenDemoOptions = {}): Promise<RunningService<any>> {
  throw new Error("the allen demo service is not built yet");
}
