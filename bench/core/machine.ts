import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, SYSTEM_PYTHON } from "./process.js";
import type { MachineInfo } from "./types.js";

function firstLine(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, AWS_CA_BUNDLE: "" } });
  if (result.error || result.status !== 0) return "not installed";
  return `${result.stdout}${result.stderr}`.trim().split("\n")[0].trim();
}

function debianVersion(name: string): string {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Version}", name], { encoding: "utf8" });
  return result.status === 0 && result.stdout ? result.stdout.trim() : "not installed";
}

function osName(): string {
  try {
    const release = fs.readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release)?.[1] ?? os.type();
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

/** Describes this machine and the versions of every tool the benchmarks run. */
export function describeMachine(): MachineInfo {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${osName()} (${os.release()})`,
    node: process.version,
    python: `${firstLine(SYSTEM_PYTHON, ["--version"])} (${SYSTEM_PYTHON})`,
    tools: {
      pyxnat: debianVersion("python3-pyxnat"),
      boto: debianVersion("python3-boto"),
      pandas: debianVersion("python3-pandas"),
      awscli: debianVersion("awscli"),
      rclone: debianVersion("rclone"),
      tslab: readPackageVersion("tslab"),
      "danfojs-node": readPackageVersion("danfojs-node"),
      "@aws-sdk/client-s3": readPackageVersion("@aws-sdk/client-s3"),
      s3rver: readPackageVersion("s3rver"),
    },
  };
}

function readPackageVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "not installed";
  }
}
