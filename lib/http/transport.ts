const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True when `url` is https, or http to this machine (credentials may travel to it). */
export function isSafeTransport(url: URL): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && (LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname));
}
