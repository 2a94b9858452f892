import { readDemoState } from "../config/demo-state.js";
import type { DemoInfo } from "../config/demo-info.js";
import * as s3 from "../s3/index.js";
import { toBucketOptions } from "../s3/options.js";

/** The connection flags every `neuroportal s3` subcommand takes. */
export const connectionFlags = {
  bucket: { type: "string" },
  endpoint: { type: "string" },
  region: { type: "string" },
  anonymous: { type: "boolean" },
  profile: { type: "string" },
} as const;

/** Usage text of {@link connectionFlags}. */
export const connectionUsage = "[--bucket NAME] [--endpoint URL] [--region R] [--anonymous] [--profile P]";

/** The values of {@link connectionFlags}. */
export type ConnectionValues = { bucket?: string; endpoint?: string; region?: string; anonymous?: boolean; profile?: string };

/** A handle on bucket `name` with the connection the flags, environment or a running demo give. */
export function openBucket(name: string, values: ConnectionValues): s3.Bucket {
  return s3.bucket(name, connectionFrom(values, process.env, readDemoState()).options);
}

/** The bucket named by the flags, environment or a running demo, for locations given without one. */
export function defaultBucket(values: ConnectionValues): string | undefined {
  return values.bucket ?? connectionFrom(values, process.env, readDemoState()).defaultBucket;
}

/** Bucket options from flags, then environment, then a running demo, then AWS defaults. Pure. */
export function connectionFrom(values: ConnectionValues, env: NodeJS.ProcessEnv, demo: DemoInfo | undefined): { options: s3.BucketOptions; defaultBucket?: string } {
  const endpoint = values.endpoint ?? env.NEUROPORTAL_S3_ENDPOINT;
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const base: s3.BucketOptions = { region: region ?? "us-east-1" };
  if (values.anonymous) base.anonymous = true;
  else if (values.profile) base.profile = values.profile;
  const envKeys = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN } : undefined;
  if (endpoint) {
    const useDemoKeys = !envKeys && demo?.s3 && sameEndpoint(demo.s3.endpoint, endpoint);
    return {
      options: { ...base, endpoint, ...(!base.anonymous && !base.profile && (envKeys || useDemoKeys) ? { credentials: envKeys ?? { accessKeyId: demo!.s3!.accessKeyId, secretAccessKey: demo!.s3!.secretAccessKey } } : {}) },
      defaultBucket: useDemoKeys ? demo!.s3!.buckets[0] : undefined,
    };
  }
  if (demo?.s3) {
    const options: s3.BucketOptions = { ...toBucketOptions(demo.s3), ...(region ? { region } : {}) };
    if (base.anonymous) {
      delete options.credentials;
      options.anonymous = true;
    }
    return { options, defaultBucket: demo.s3.buckets[0] };
  }
  return { options: base, defaultBucket: "hcp-openaccess" };
}

const sameEndpoint = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
