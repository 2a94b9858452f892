import type { RunningService } from "../types.js";

/** Options of the demo s3 service. (Placeholder until the s3 slice lands.) */
export interface S3DemoOptions {
  port?: number;
}

export async function startS3Demo(_options: S3DemoOptions = {}): Promise<RunningService<any>> {
  throw new Error("the s3 demo service is not built yet");
}
