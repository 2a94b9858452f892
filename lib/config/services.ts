import { inspect } from "node:util";
import { checkArgument, record } from "../core/validate.js";
import type { DemoInfo } from "./demo-info.js";
import { InvalidArgumentError } from "../errors.js";
import { registerSecret } from "../core/redact.js";
import { displayMimeBundle, inKernel } from "../display/kernel.js";
import { escapeHtml } from "../display/escape.js";
import { netrcEntryFor, readNetrcEntries } from "../xnat/credentials.js";
import { startDemoServices } from "./demo-package.js";
import { readDemoState } from "./demo-state.js";
import { AllenService, S3Service, XnatService, type ServiceEntry } from "./service-entries.js";

/** The public services, used when `NEUROPORTAL_MODE=real`. */
export const REAL_SERVICES = Object.freeze({
  allen: "https://api.brain-map.org/",
  xnat: "https://db.humanconnectome.org/",
  s3: { region: "us-east-1", buckets: ["hcp-openaccess"] },
});

/** Where the services come from. */
export type ServiceSource = "env" | "running-demo" | "embedded-demo" | "real";

/** True when `NEUROPORTAL_MODE=real`: the public services, whatever else is set (`NEUROPORTAL_DEMO` included). */
export function isRealMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.NEUROPORTAL_MODE ?? "").trim().toLowerCase() === "real";
}

const SOURCES: Readonly<Record<ServiceSource, string>> = {
  real: "the real services (NEUROPORTAL_MODE=real)",
  env: "the demo services (NEUROPORTAL_DEMO: a `neuroportal demo` started by npm start or npm run jupyter)",
  "running-demo": "the demo services (a `neuroportal demo` running on this machine)",
  "embedded-demo": "the demo services (embedded: started in this process, stopped when it ends)",
};

/**
 * Endpoints and credentials for the three portals, and where they came from. Passwords and
 * secret keys are readable (`svc.xnat.password`, `svc.s3.secretAccessKey`) but never part of
 * any representation: a notebook cell ending in `svc` (or `svc.xnat`, `svc.s3`), `console.log`
 * and `JSON.stringify` show the services, hosts and where the credentials come from, not the
 * credentials. `svc.describe()` is that text, `svc.toHTML()` a table, `svc.show()` displays it.
 */
export class Services implements DemoInfo {
  readonly source: ServiceSource;
  readonly allen?: AllenService;
  readonly xnat?: XnatService;
  readonly s3?: S3Service;
  readonly #close: () => Promise<void>;

  constructor(source: ServiceSource, entries: { allen?: AllenService; xnat?: XnatService; s3?: S3Service }, close: () => Promise<void> = async () => undefined) {
    this.source = source;
    if (entries.allen) this.allen = entries.allen;
    if (entries.xnat) this.xnat = entries.xnat;
    if (entries.s3) this.s3 = entries.s3;
    this.#close = close;
  }

  /** `real` for the public services, `demo` otherwise. */
  get mode(): "real" | "demo" {
    return this.source === "real" ? "real" : "demo";
  }

  /** Stops an embedded demo started by {@link services}; a no-op otherwise. */
  close(): Promise<void> {
    return this.#close();
  }

  /** Which services are used, with their hosts and where credentials come from (never the credentials). */
  describe(): string {
    const lines = [`neuroportal uses ${SOURCES[this.source]}:`];
    for (const entry of this.#entries()) lines.push(`  ${entry.describe()}`);
    return lines.join("\n");
  }

  /** {@link describe} as an HTML table (for notebooks and reports). */
  toHTML(): string {
    const rows = this.#entries().map(
      (entry) => `<tr><th style="text-align:left">${escapeHtml(entry.name)}</th><td style="text-align:left"><code>${escapeHtml(entry.address())}</code></td><td style="text-align:left">${escapeHtml(entry.details())}</td></tr>`,
    );
    return `<div class="neuroportal-services"><p><b>neuroportal uses ${escapeHtml(SOURCES[this.source])}</b></p><table>${rows.join("")}</table></div>`;
  }

  /** Shows {@link toHTML} (with {@link describe} as its text form) in a notebook; prints the text elsewhere. */
  show(): void {
    if (inKernel()) displayMimeBundle({ "text/html": this.toHTML(), "text/plain": this.describe() });
    else process.stdout.write(`${this.describe()}\n`);
  }

  toJSON(): object {
    return { source: this.source, allen: this.allen, xnat: this.xnat, s3: this.s3 };
  }

  #entries(): ServiceEntry[] {
    return [this.allen, this.xnat, this.s3].filter((entry): entry is AllenService | XnatService | S3Service => entry !== undefined);
  }

  [inspect.custom](): string {
    return this.describe();
  }
}

let embedded: Promise<Services> | undefined;

/** Where {@link services} looks for credentials besides the environment. */
export interface ServicesOptions {
  /** The netrc file with XNAT logins in real mode (default `~/.netrc`). */
  netrcFile?: string;
}

/**
 * Finds the services the tutorials talk to, in this order:
 * 1. `NEUROPORTAL_MODE=real`: the public Allen API, ConnectomeDB and the `hcp-openaccess`
 *    bucket (it wins over everything below, `NEUROPORTAL_DEMO` included), with XNAT
 *    credentials from `NEUROPORTAL_XNAT_USER`/`NEUROPORTAL_XNAT_PASSWORD` or ~/.netrc and AWS
 *    credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or the standard chain;
 * 2. `NEUROPORTAL_DEMO`: the JSON line printed by `neuroportal demo` (set by `npm start`);
 * 3. a `neuroportal demo` already running on this machine;
 * 4. otherwise an embedded demo started inside this process (stopped when it exits), from the
 *    `@neuroportal/demo` package (`DemoNotInstalledError` when it is not installed).
 * `NEUROPORTAL_ALLEN_URL`, `NEUROPORTAL_XNAT_URL` and `NEUROPORTAL_S3_ENDPOINT` override one
 * service each. Secrets found here are registered for redaction. `svc.describe()` says which
 * services are used.
 */
export async function services(env: NodeJS.ProcessEnv = process.env, options: ServicesOptions = {}): Promise<Services> {
  checkArgument(env, record, "environment", "services()");
  checkArgument(options, record, "options", "services()");
  const resolved = await resolve(env, options);
  const withOverrides = applyOverrides(resolved, env);
  registerSecret(withOverrides.xnat?.password);
  registerSecret(withOverrides.s3?.secretAccessKey);
  registerSecret(withOverrides.s3?.accessKeyId);
  return withOverrides;
}

async function resolve(env: NodeJS.ProcessEnv, options: ServicesOptions): Promise<Services> {
  if (isRealMode(env)) return realServices(env, options);
  if (env.NEUROPORTAL_DEMO) {
    let info: DemoInfo;
    try {
      info = JSON.parse(env.NEUROPORTAL_DEMO) as DemoInfo;
    } catch {
      throw new InvalidArgumentError("NEUROPORTAL_DEMO is not the JSON line printed by `neuroportal demo`", "unset it or copy the whole line");
    }
    return fromDemoInfo("env", info);
  }
  const running = readDemoState();
  if (running) return fromDemoInfo("running-demo", running);
  embedded ??= startEmbedded().catch((error) => {
    embedded = undefined;
    throw error;
  });
  return embedded;
}

function realServices(env: NodeJS.ProcessEnv, options: ServicesOptions): Services {
  const login = realXnatLogin(env, options.netrcFile);
  const s3 = new S3Service(
    { endpoint: "", region: REAL_SERVICES.s3.region, accessKeyId: env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "", buckets: [...REAL_SERVICES.s3.buckets] },
    "real",
  );
  return new Services("real", {
    allen: new AllenService(REAL_SERVICES.allen, "real"),
    xnat: new XnatService(REAL_SERVICES.xnat, login.user, login.password, "real", login.from),
    s3,
  });
}

/** The XNAT login for the real ConnectomeDB: the environment's, else its ~/.netrc entry (nothing found: empty, and `xnat.connect` says what to set). */
function realXnatLogin(env: NodeJS.ProcessEnv, netrcFile?: string): { user: string; password: string; from: string } {
  const user = env.NEUROPORTAL_XNAT_USER ?? "";
  const password = env.NEUROPORTAL_XNAT_PASSWORD ?? "";
  if (user && password) return { user, password, from: "NEUROPORTAL_XNAT_USER/NEUROPORTAL_XNAT_PASSWORD" };
  const entry = netrcEntryFor(readNetrcEntries(env, netrcFile), new URL(REAL_SERVICES.xnat));
  if (entry?.login && entry.password && (!user || entry.login === user)) return { user: entry.login, password: entry.password, from: "~/.netrc" };
  return { user, password, from: "NEUROPORTAL_XNAT_USER/NEUROPORTAL_XNAT_PASSWORD" };
}

function fromDemoInfo(source: ServiceSource, info: DemoInfo, close?: () => Promise<void>): Services {
  return new Services(
    source,
    {
      allen: info.allen ? new AllenService(info.allen.url, "demo") : undefined,
      xnat: info.xnat ? new XnatService(info.xnat.url, info.xnat.user, info.xnat.password, "demo", "the demo's login") : undefined,
      s3: info.s3 ? new S3Service(info.s3, "demo") : undefined,
    },
    close,
  );
}

async function startEmbedded(): Promise<Services> {
  const demo = await startDemoServices();
  const close = async () => {
    embedded = undefined;
    await demo.close();
  };
  process.once("exit", () => void demo.close());
  return fromDemoInfo("embedded-demo", demo.info, close);
}

function applyOverrides(found: Services, env: NodeJS.ProcessEnv): Services {
  if (!env.NEUROPORTAL_ALLEN_URL && !env.NEUROPORTAL_XNAT_URL && !(env.NEUROPORTAL_S3_ENDPOINT && found.s3)) return found;
  let { allen, xnat, s3 } = found;
  if (env.NEUROPORTAL_ALLEN_URL) allen = new AllenService(withSlash(env.NEUROPORTAL_ALLEN_URL), "override");
  if (env.NEUROPORTAL_XNAT_URL) {
    const user = env.NEUROPORTAL_XNAT_USER ?? xnat?.user ?? "";
    const password = env.NEUROPORTAL_XNAT_PASSWORD ?? xnat?.password ?? "";
    xnat = new XnatService(withSlash(env.NEUROPORTAL_XNAT_URL), user, password, "override", env.NEUROPORTAL_XNAT_USER ? "NEUROPORTAL_XNAT_USER/NEUROPORTAL_XNAT_PASSWORD" : (xnat?.credentialsFrom ?? "none"));
  }
  if (env.NEUROPORTAL_S3_ENDPOINT && s3) {
    s3 = new S3Service({ endpoint: withSlash(env.NEUROPORTAL_S3_ENDPOINT), region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, buckets: s3.buckets }, "override");
  }
  return new Services(found.source, { allen, xnat, s3 }, () => found.close());
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);
