import type { DataFrame } from "danfojs-node";
import { fromFileListing, fromResourceListing, toFileFrame, toResourceFrame, type XnatFile, type XnatResource } from "./file-listing.js";
import { downloadPlanned, type FileDownloadOptions, type XnatDownloadSummary } from "./file-download.js";
import { fromListingJson } from "./listing.js";
import { checkFileDownload } from "./option-rules.js";
import { filesPath, resourcePath, resourcesPath } from "./paths.js";
import type { XnatSession } from "./session.js";

/** The resources of the owner at `owner` (a project, subject, experiment or scan path). */
export async function listResources(session: XnatSession, owner: string, what: string): Promise<XnatResource[]> {
  const path = resourcesPath(owner);
  const text = await session.send({ path, query: { format: "json" }, expect: "json", what });
  return fromResourceListing(fromListingJson(text, path));
}

/** The files listed at `collection` (`<owner>/files` or `<owner>/resources/<r>/files`). */
export async function listFiles(session: XnatSession, collection: string, what: string): Promise<XnatFile[]> {
  const text = await session.send({ path: collection, query: { format: "json" }, expect: "json", what });
  return fromFileListing(fromListingJson(text, collection), collection);
}

/**
 * One resource of a project, subject, session or scan, by label (or ID): its files as a
 * DataFrame and a verified download. No request is made until it is used.
 */
export class Resource {
  readonly #session: XnatSession;
  readonly #owner: string;
  readonly #ownerWhat: string;
  /** The label (or ID) this resource was addressed by. */
  readonly label: string;

  constructor(session: XnatSession, owner: string, ownerWhat: string, label: string) {
    this.#session = session;
    this.#owner = owner;
    this.#ownerWhat = ownerWhat;
    this.label = label;
    resourcePath(owner, label);
  }

  #what(): string {
    return `resource ${JSON.stringify(this.label)} of ${this.#ownerWhat}`;
  }

  /** The resource's files as plain objects (name, path, size, format, content, tags, digest, uri, ...). */
  async fileList(): Promise<XnatFile[]> {
    return listFiles(this.#session, filesPath(resourcePath(this.#owner, this.label)), this.#what());
  }

  /** The resource's files as a DataFrame: scan, resource, path, name, size, format, content, tags, digest, uri. */
  async files(): Promise<DataFrame> {
    return toFileFrame(await this.fileList());
  }

  /** Downloads the resource's files to `<dir>/<path>`, verified against their digests (see {@link downloadPlanned}). */
  async download(dir: string, options: FileDownloadOptions = {}): Promise<XnatDownloadSummary> {
    checkFileDownload(dir, options, `download() of ${this.#what()}`);
    const files = await this.fileList();
    return downloadPlanned(this.#session, files.map((file) => ({ file, key: file.path })), dir, options);
  }
}

/**
 * What projects, subjects, sessions and scans share: their own resources and files, listed as
 * DataFrames and downloaded verified. Nothing is requested until a method is called.
 */
export class FileOwner {
  readonly #session: XnatSession;
  readonly #ownerPath: string;
  readonly #ownerWhat: () => string;

  constructor(session: XnatSession, path: string, what: () => string) {
    this.#session = session;
    this.#ownerPath = path;
    this.#ownerWhat = what;
  }

  /** The owner's own resources as plain objects (for a session: not its scans'). */
  resourceList(): Promise<XnatResource[]> {
    return listResources(this.#session, this.#ownerPath, this.#ownerWhat());
  }

  /** The owner's own resources as a DataFrame: label, id, format, content, tags, category, scan, file_count, file_size. */
  async resources(): Promise<DataFrame> {
    return toResourceFrame(await this.resourceList());
  }

  /** One of the owner's resources by label (e.g. `DICOM`, `NIFTI`) or ID. No request is made until it is used. */
  resource(label: string): Resource {
    return new Resource(this.#session, this.#ownerPath, this.#ownerWhat(), label);
  }

  /** Every file of the owner's own resources (a session lists its scans' files too). */
  fileList(): Promise<XnatFile[]> {
    return listFiles(this.#session, filesPath(this.#ownerPath), this.#ownerWhat());
  }

  /** The files as a DataFrame: scan, resource, path, name, size, format, content, tags, digest, uri. */
  async files(): Promise<DataFrame> {
    return toFileFrame(await this.fileList());
  }

  /**
   * Downloads the files below `dir` (where each goes: see {@link downloadKey}), verified against
   * their digests; `options` narrow it (`include`, `resources`, `scans`) and choose zips,
   * concurrency and progress (see {@link downloadPlanned}).
   */
  async download(dir: string, options: FileDownloadOptions = {}): Promise<XnatDownloadSummary> {
    checkFileDownload(dir, options, `download() of ${this.#ownerWhat()}`);
    const files = await this.fileList();
    return downloadPlanned(this.#session, files.map((file) => ({ file, key: this.downloadKey(file) })), dir, options);
  }

  /** Where a file goes below the target folder: `resources/<resource>/<path>`. */
  protected downloadKey(file: XnatFile): string {
    return `resources/${file.resource}/${file.path}`;
  }
}
