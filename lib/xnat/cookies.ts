/** A minimal cookie jar for one server: name → value, updated from Set-Cookie headers. */
export class CookieJar {
  private readonly values = new Map<string, string>();

  /** Applies the Set-Cookie headers of a response (an expired or empty cookie is removed). */
  update(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, raw = ""] = attribute.split("=");
        const k = key.trim().toLowerCase();
        if (k === "max-age") return Number(raw.trim()) <= 0;
        if (k === "expires") return Date.parse(raw.trim()) <= Date.now();
        return false;
      });
      if (expired || value === "") this.values.delete(name);
      else this.values.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
  }

  clear(): void {
    this.values.clear();
  }

  /** The Cookie request header, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.values.size === 0) return undefined;
    return [...this.values].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
