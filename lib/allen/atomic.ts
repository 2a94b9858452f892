import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWriteError, toLocalWriteError } from "../files/local-write.js";

/** A file to be written: absolute target path and content. */
export interface PendingFile {
  path: string;
  data: Uint8Array;
}

/**
 * Writes each file to a hidden temporary name in its target folder, then renames them all
 * into place. If anything fails, the temporary files are removed and no target name holds
 * partial content. Local failures (full disk, no permission, a file where a folder should be)
 * raise `LocalWriteError` naming the path.
 */
export async function writeFilesAtomically(files: readonly PendingFile[]): Promise<void> {
  for (const file of files) {
    if (fs.statSync(file.path, { throwIfNoEntry: false })?.isDirectory()) throw new LocalWriteError(file.path, "EISDIR");
  }
  const temps: { temp: string; target: string }[] = [];
  let current = "";
  try {
    for (const file of files) {
      current = path.dirname(file.path);
      await fs.promises.mkdir(current, { recursive: true });
      const temp = path.join(path.dirname(file.path), `.${path.basename(file.path)}.${process.pid}-${randomBytes(4).toString("hex")}.part`);
      temps.push({ temp, target: file.path });
      current = file.path;
      await fs.promises.writeFile(temp, file.data);
    }
    for (const { temp, target } of temps) {
      current = target;
      await fs.promises.rename(temp, target);
    }
  } catch (error) {
    await Promise.all(temps.map(({ temp }) => fs.promises.rm(temp, { force: true })));
    throw toLocalWriteError(error, current);
  }
}
