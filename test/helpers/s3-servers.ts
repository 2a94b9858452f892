import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import * as readline from "node:readline";
import { demoBuckets, edgeCaseObjects, Q1_BUCKET, startS3Demo } from "../../demo/src/s3/index";
import type { S3DemoInfo, S3DemoLayout } from "../../demo/src/s3/index";
import { freePort } from "./free-port";
import { tempDir } from "./files";

/** The S3 servers the S3 suites run against: the demo (s3rver behind its front) and moto's S3 server. */
export type S3ServerKind = "demo" | "moto";
export const S3_SERVER_KINDS: readonly S3ServerKind[] = ["demo", "moto"];

/** One entry as the reference client lists it. */
export interface ReferenceEntry {
  key: string;
  size?: number;
  etag?: string;
  isPrefix: boolean;
}

/** boto3, bound to one server: the reference client for listings and bytes. */
export interface Boto3Reference {
  list(bucket: string, prefix: string, delimiter?: string): Promise<ReferenceEntry[]>;
  read(bucket: string, key: string): Promise<{ md5: string; size: number; etag: string }>;
  put(bucket: string, key: string, text: string): Promise<{ etag: string }>;
  close(): Promise<void>;
}

/** A running S3 server holding the demo's layout (and the edge-case keys), with its reference client. */
export interface S3TestServer {
  kind: S3ServerKind;
  /** Endpoint, region, keys and buckets, in the demo's shape (so `s3.fromServices({ s3: info })` works for both). */
  info: S3DemoInfo;
  boto3: Boto3Reference;
  close(): Promise<void>;
  /** Ends the server's processes at once, synchronously (for process exit). */
  kill(): void;
}

export interface S3TestServerOptions {
  /** Which buckets to seed (default `q1`: the 2013 bucket with `q1/` and `edge-cases/`). */
  layout?: S3DemoLayout;
}

/** Starts `kind` on 127.0.0.1 with the demo's layout seeded (moto: with boto3) and a boto3 reference client. */
export async function startS3Server(kind: S3ServerKind, options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const layout = options.layout ?? "q1";
  if (kind === "demo") {
    const demo = await startS3Demo({ layout });
    const reference = startBoto3(demo.info);
    return { kind, info: demo.info, boto3: reference, close: async () => (await reference.close(), await demo.close()), kill: () => reference.kill() };
  }
  const python = motoPython();
  const moto = await startMoto(python);
  const info: S3DemoInfo = { endpoint: moto.url, region: "us-east-1", accessKeyId: "AKIAMOTOTESTKEY", secretAccessKey: "moto-test-secret-key", buckets: demoBuckets(layout).map((bucket) => bucket.name) };
  const reference = startBoto3(info, python);
  try {
    await seed(reference, layout);
  } catch (error) {
    await reference.close();
    await moto.close();
    throw error;
  }
  return { kind, info, boto3: reference, close: async () => (await reference.close(), await moto.close()), kill: () => (reference.kill(), moto.kill()) };
}

const shared = new Map<string, Promise<S3TestServer>>();

/**
 * One server of `kind` shared by every suite of this mocha run (seeding moto takes seconds, so
 * it is done once), started on first use and stopped when the process exits. Suites that write
 * use their own prefixes; `close()` of the shared server does nothing.
 */
export function sharedS3Server(kind: S3ServerKind, options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const id = `${kind}:${options.layout ?? "q1"}`;
  let server = shared.get(id);
  if (!server) {
    server = startS3Server(kind, options);
    shared.set(id, server);
    server.then(
      (running) => process.once("exit", () => running.kill()),
      () => shared.delete(id),
    );
  }
  return server.then((running) => ({ ...running, close: async () => undefined }));
}

/** Stops every shared server once the whole run is done (a root hook, so mocha can exit by itself). */
async function closeShared(): Promise<void> {
  const running = [...shared.values()];
  shared.clear();
  for (const server of running) await server.then((s) => s.close(), () => undefined);
}
if (typeof after === "function") after(closeShared);

let foundPython: string | undefined;

/**
 * The python3 executable that has moto's server and boto3 (resolved through shims such as
 * pyenv's): `NEUROPORTAL_MOTO_PYTHON`, else `python3` on the PATH, else `/usr/bin/python3`.
 */
export function motoPython(): string {
  return (foundPython ??= findMotoPython());
}

function findMotoPython(): string {
  const candidates = [process.env.NEUROPORTAL_MOTO_PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ["-c", "import sys, moto.server, boto3, flask_cors; print(sys.executable)"], { encoding: "utf8", timeout: 30_000 });
    if (probe.status === 0 && probe.stdout.trim()) return probe.stdout.trim();
  }
  throw new Error(
    `moto's S3 server (with boto3) is not installed for any of ${candidates.join(", ")}: the S3 suite runs against the demo and moto. ` +
      "Install it with `python3 -m pip install 'moto[server]' boto3` (npm test's setup tries that), or point NEUROPORTAL_MOTO_PYTHON at a python that has it.",
  );
}

async function startMoto(python: string): Promise<{ url: string; close(): Promise<void>; kill(): void }> {
  const port = await freePort();
  const child = spawn(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, PYTHONUNBUFFERED: "1" } });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  const close = () => stopChild(child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto's server exited (${child.exitCode}) before answering: ${stderr}`);
    if (await answers(`${url}moto-api/`)) return { url, close, kill: () => child.kill("SIGKILL") };
    if (Date.now() > deadline) {
      await close();
      throw new Error(`moto's server did not answer on ${url} within 30 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(true);
    });
    request.on("error", () => resolve(false));
    request.setTimeout(1000, () => request.destroy());
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => (clearTimeout(timer), resolve()));
    child.kill("SIGTERM");
  });
}

/** Puts the layout's objects (and the edge-case keys in the 2013 bucket) into the server with boto3. */
async function seed(reference: Boto3Process, layout: S3DemoLayout): Promise<void> {
  const scratch = tempDir("np-moto-seed-");
  try {
    for (const bucket of demoBuckets(layout)) {
      const objects = bucket.name === Q1_BUCKET ? [...bucket.objects, ...edgeCaseObjects()] : bucket.objects;
      const listed = objects.map((object, index) => {
        const file = path.join(scratch.dir, `${bucket.name}-${index}`);
        fs.writeFileSync(file, object.body);
        return { key: object.key, file };
      });
      await reference.call({ op: "seed", bucket: bucket.name, objects: listed });
    }
  } finally {
    scratch.remove();
  }
}

interface Boto3Process extends Boto3Reference {
  call(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  kill(): void;
}

const REFERENCE_SCRIPT = path.join(__dirname, "boto3_reference.py");

/** Starts the boto3 reference process for `info`'s endpoint; requests are answered in order. */
function startBoto3(info: S3DemoInfo, python = motoPython()): Boto3Process {
  const child = spawn(python, [REFERENCE_SCRIPT, info.endpoint, info.region, info.accessKeyId], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HOME: "/nonexistent", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_EC2_METADATA_DISABLED: "true", BOTO3_REFERENCE_SECRET: info.secretAccessKey },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const waiting: { resolve(value: Record<string, unknown>): void; reject(error: Error): void }[] = [];
  readline.createInterface({ input: child.stdout! }).on("line", (line) => waiting.shift()?.resolve(JSON.parse(line) as Record<string, unknown>));
  child.on("exit", (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`the boto3 reference client exited (${code}): ${stderr}`));
  });
  const call = (request: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.push({
        resolve: (answer) => {
          const error = answer.error as { code?: string; message?: string; status?: number } | undefined;
          if (error) reject(Object.assign(new Error(`boto3 ${String(request.op)}: ${error.code} ${error.message}`), error));
          else resolve(answer);
        },
        reject,
      });
      child.stdin!.write(`${JSON.stringify(request)}\n`);
    });
  return {
    call,
    list: async (bucket, prefix, delimiter) => (await call({ op: "list", bucket, prefix, delimiter })).entries as ReferenceEntry[],
    read: async (bucket, key) => (await call({ op: "read", bucket, key })) as { md5: string; size: number; etag: string },
    put: async (bucket, key, text) => (await call({ op: "put", bucket, key, text })) as { etag: string },
    close: async () => {
      child.stdin!.end();
      await stopChild(child);
    },
    kill: () => child.kill("SIGKILL"),
  };
}
