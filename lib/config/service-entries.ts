import { inspect } from "node:util";

/** Where one service's address came from. */
export type ServiceOrigin = "demo" | "real" | "override";

/** What every service entry of {@link Services} tells about itself (never a credential). */
export interface ServiceEntry {
  /** `allen`, `xnat` or `s3`. */
  readonly name: string;
  readonly origin: ServiceOrigin;
  /** The host the service is reached at (URL, or AWS's regional endpoint). */
  address(): string;
  /** Demo or real, and where the credentials come from. */
  details(): string;
  /** `name address (details)`. */
  describe(): string;
}

/** `describe()` and the printed form, from each entry's name, address and details. */
abstract class DescribedService implements ServiceEntry {
  abstract readonly name: string;
  abstract readonly origin: ServiceOrigin;
  abstract address(): string;
  abstract details(): string;
  abstract toJSON(): object;

  describe(): string {
    return `${this.name} ${this.address()} (${this.details()})`;
  }

  [inspect.custom](): string {
    return `<${this.describe()}>`;
  }
}

/** The Allen Brain Atlas API the tutorials use. */
export class AllenService extends DescribedService {
  readonly name = "allen";
  readonly url: string;
  readonly origin: ServiceOrigin;

  constructor(url: string, origin: ServiceOrigin) {
    super();
    this.url = url;
    this.origin = origin;
  }

  address(): string {
    return this.url;
  }

  details(): string {
    return `${originText(this.origin, "NEUROPORTAL_ALLEN_URL")}; no credentials needed`;
  }


  toJSON(): object {
    return { url: this.url, origin: this.origin };
  }
}

/**
 * An XNAT server and the login to use. The password is readable (`xnat.connect` needs it) but
 * never shown: not by `console.log`, a notebook cell ending in this object, nor `JSON.stringify`.
 */
export class XnatService extends DescribedService {
  readonly name = "xnat";
  readonly url: string;
  readonly user: string;
  readonly origin: ServiceOrigin;
  /** Where the user name and password came from, for {@link describe} (e.g. `NEUROPORTAL_XNAT_USER`, `~/.netrc`). */
  readonly credentialsFrom: string;
  readonly #password: string;

  constructor(url: string, user: string, password: string, origin: ServiceOrigin, credentialsFrom: string) {
    super();
    this.url = url;
    this.user = user;
    this.#password = password;
    this.origin = origin;
    this.credentialsFrom = credentialsFrom;
  }

  /** The password (kept out of every representation of this object). */
  get password(): string {
    return this.#password;
  }

  address(): string {
    return this.url;
  }

  /** Demo or real, the user and where the login comes from; never the password. */
  details(): string {
    const login = this.user && this.#password ? `user ${this.user}, password set (${this.credentialsFrom})` : this.user ? `user ${this.user}, no password: set NEUROPORTAL_XNAT_PASSWORD or add the host to ~/.netrc` : "no credentials: set NEUROPORTAL_XNAT_USER and NEUROPORTAL_XNAT_PASSWORD, or add the host to ~/.netrc";
    return `${originText(this.origin, "NEUROPORTAL_XNAT_URL")}; ${login}`;
  }


  toJSON(): object {
    return { url: this.url, user: this.user, origin: this.origin, credentialsFrom: this.credentialsFrom };
  }
}

/** An S3 service (the demo's, or AWS with the HCP buckets) and the keys to sign with; the keys are never shown. */
export class S3Service extends DescribedService {
  readonly name = "s3";
  /** Endpoint URL ("" for AWS itself). */
  readonly endpoint: string;
  readonly region: string;
  readonly buckets: string[];
  readonly origin: ServiceOrigin;
  readonly #accessKeyId: string;
  readonly #secretAccessKey: string;

  constructor(info: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; buckets: string[] }, origin: ServiceOrigin) {
    super();
    this.endpoint = info.endpoint;
    this.region = info.region;
    this.buckets = [...info.buckets];
    this.#accessKeyId = info.accessKeyId;
    this.#secretAccessKey = info.secretAccessKey;
    this.origin = origin;
  }

  /** The access key id ("" when the standard AWS credential chain is to be used). */
  get accessKeyId(): string {
    return this.#accessKeyId;
  }

  /** The secret key ("" when the standard AWS credential chain is to be used); kept out of every representation. */
  get secretAccessKey(): string {
    return this.#secretAccessKey;
  }

  /** The endpoint, or AWS's regional one. */
  address(): string {
    return this.endpoint || `https://s3.${this.region}.amazonaws.com/`;
  }

  /** Demo or real, region, buckets and where the keys come from; never the keys. */
  details(): string {
    const keys = this.#accessKeyId && this.#secretAccessKey ? "keys set" : "keys from the standard AWS chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws); the HCP buckets need signed requests with keys ConnectomeDB issues";
    return `${originText(this.origin, "NEUROPORTAL_S3_ENDPOINT")}; region ${this.region}; buckets ${this.buckets.join(", ") || "none"}; ${keys}`;
  }


  toJSON(): object {
    return { endpoint: this.endpoint, region: this.region, buckets: this.buckets, origin: this.origin };
  }
}

function originText(origin: ServiceOrigin, variable: string): string {
  return origin === "demo" ? "demo" : origin === "real" ? "real" : `set by ${variable}`;
}
