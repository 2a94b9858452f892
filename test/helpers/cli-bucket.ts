import { startS3Demo, type S3DemoInfo, type S3DemoOptions } from "../../demo/src/s3/index.js";
import type { RunningService } from "../../demo/src/types.js";

/** The variables through which the CLI finds S3 keys, endpoints and a running demo. */
const CLIENT_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "NEUROPORTAL_S3_ENDPOINT", "NEUROPORTAL_DEMO_FILE"];

/**
 * Mocha hooks for a file of CLI tests against a demo bucket: starts it before the file's tests,
 * points the CLI at it through the environment only (its keys and endpoint, no running demo's
 * file, nothing inherited), and afterwards stops it and puts the environment back as it was.
 */
export function useDemoBucketForCli(options: S3DemoOptions = { layout: "q1" }): { readonly service: RunningService<S3DemoInfo> } {
  let service: RunningService<S3DemoInfo> | undefined;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    service = await startS3Demo(options);
    for (const name of CLIENT_ENV) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    process.env.NEUROPORTAL_DEMO_FILE = "/nonexistent/neuroportal-demo.json";
    process.env.AWS_ACCESS_KEY_ID = service.info.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = service.info.secretAccessKey;
    process.env.NEUROPORTAL_S3_ENDPOINT = service.info.endpoint;
  });
  after(async () => {
    for (const name of CLIENT_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await service?.close();
  });
  return {
    get service() {
      if (!service) throw new Error("the demo bucket starts in a before hook: use it inside tests");
      return service;
    },
  };
}
