import type { DemoInfo } from "./demo-info.js";
import { InvalidArgumentError } from "../errors.js";
import { registerSecret } from "../core/redact.js";
import { startDemoServices } from "./demo-package.js";
import { readDemoState } from "./demo-state.js";

/** The public services, used when `NEUROPORTAL_MODE=real`. */
export const REAL_SERVICES = Object.freeze({
  allen: "https://api.brain-map.org/",
  xnat: "https://db.humanconnectome.org/",
  s3: { region: "us-east-1", buckets: ["hcp-openaccess"] },
});

/** Where the services come from. */
export type ServiceSource = "env" | "running-demo" | "embedded-demo" | "real";

/** Endpoints and credentials for the three portals, plus where they came from. */
export interface Services extends DemoInfo {
  source: ServiceSource;
  /** Stops an embedded demo started by {@link services}; a no-op otherwise. */
  close(): Promise<void>;
}

let embedded: Promise<Services> | undefined;

/**
 * Finds the services the tutorials talk to, in this order:
 * 1. `NEUROPORTAL_DEMO`: the JSON line printed by `neuroportal demo` (set by `npm start`);
 * 2. `NEUROPORTAL_MODE=real`: the public Allen API, ConnectomeDB and the `hcp-openaccess`
 *    bucket, with XNAT credentials from `NEUROPORTAL_XNAT_USER`/`NEUROPORTAL_XNAT_PASSWORD`
 *    or ~/.netrc and AWS credentials from the standard chain;
 * 3. a `neuroportal demo` already running on this machine;
 * 4. otherwise an embedded demo started inside this process (stopped when it exits), from the
 *    `@neuroportal/demo` package (`DemoNotInstalledError` when it is not installed).
 * `NEUROPORTAL_ALLEN_URL`, `NEUROPORTAL_XNAT_URL` and `NEUROPORTAL_S3_ENDPOINT` override one
 * service each. Secrets found here are registered for redaction.
 */
export async function services(env: NodeJS.ProcessEnv = process.env): Promise<Services> {
  const resolved = await resolve(env);
  const withOverrides = applyOverrides(resolved, env);
  registerSecret(withOverrides.xnat?.password);
  registerSecret(withOverrides.s3?.secretAccessKey);
  registerSecret(withOverrides.s3?.accessKeyId);
  return withOverrides;
}

async function resolve(env: NodeJS.ProcessEnv): Promise<Services> {
  const none = async () => undefined;
  if (env.NEUROPORTAL_DEMO) {
    let info: DemoInfo;
    try {
      info = JSON.parse(env.NEUROPORTAL_DEMO) as DemoInfo;
    } catch {
      throw new InvalidArgumentError("NEUROPORTAL_DEMO is not the JSON line printed by `neuroportal demo`", "unset it or copy the whole line");
    }
    return { ...info, source: "env", close: none };
  }
  if ((env.NEUROPORTAL_MODE ?? "").toLowerCase() === "real") {
    return {
      source: "real",
      allen: { url: REAL_SERVICES.allen },
      xnat: { url: REAL_SERVICES.xnat, user: env.NEUROPORTAL_XNAT_USER ?? "", password: env.NEUROPORTAL_XNAT_PASSWORD ?? "" },
      s3: {
        endpoint: "",
        region: REAL_SERVICES.s3.region,
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
        buckets: [...REAL_SERVICES.s3.buckets],
      },
      close: none,
    };
  }
  const running = readDemoState();
  if (running) return { ...running, source: "running-demo", close: none };
  embedded ??= startEmbedded().catch((error) => {
    embedded = undefined;
    throw error;
  });
  return embedded;
}

async function startEmbedded(): Promise<Services> {
  const demo = await startDemoServices();
  const close = async () => {
    embedded = undefined;
    await demo.close();
  };
  process.once("exit", () => void demo.close());
  return { ...demo.info, source: "embedded-demo", close };
}

function applyOverrides(services: Services, env: NodeJS.ProcessEnv): Services {
  const out: Services = { ...services };
  if (env.NEUROPORTAL_ALLEN_URL) out.allen = { url: withSlash(env.NEUROPORTAL_ALLEN_URL) };
  if (env.NEUROPORTAL_XNAT_URL) {
    out.xnat = {
      url: withSlash(env.NEUROPORTAL_XNAT_URL),
      user: env.NEUROPORTAL_XNAT_USER ?? out.xnat?.user ?? "",
      password: env.NEUROPORTAL_XNAT_PASSWORD ?? out.xnat?.password ?? "",
    };
  }
  if (env.NEUROPORTAL_S3_ENDPOINT && out.s3) out.s3 = { ...out.s3, endpoint: withSlash(env.NEUROPORTAL_S3_ENDPOINT) };
  return out;
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);
