/** A canned response the layer sends instead of the service's. */
export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const REASONS: Record<number, string> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function html(title: string, text: string): string {
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`;
}

function withRetryAfter(headers: Record<string, string>, retryAfterSeconds: number | undefined): Record<string, string> {
  return retryAfterSeconds === undefined ? headers : { ...headers, "retry-after": String(Math.round(retryAfterSeconds)) };
}

/** An error page like a reverse proxy's; 503 and 429 carry Retry-After when it is configured. */
export function errorResponse(status: number, retryAfterSeconds?: number): CannedResponse {
  const reason = REASONS[status] ?? "Error";
  const headers = { "content-type": "text/html; charset=utf-8" };
  return {
    status,
    headers: status === 503 || status === 429 ? withRetryAfter(headers, retryAfterSeconds) : headers,
    body: html(`${status} ${reason}`, "injected fault"),
  };
}

/** The maintenance page: HTML with status 200, as many portals serve during an upgrade. */
export function maintenanceResponse(retryAfterSeconds?: number): CannedResponse {
  return {
    status: 200,
    headers: withRetryAfter({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, retryAfterSeconds),
    body: html("Down for maintenance", "The service is being upgraded and will be back shortly. Please try again later."),
  };
}

/** What XNAT answers for a request with a dead session and no credentials. */
export function sessionExpiredResponse(mode: "401" | "login-page"): CannedResponse {
  if (mode === "login-page") {
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: `<!DOCTYPE html>\n<html><head><title>XNAT</title></head><body>\n<!-- BEGIN xnat-templates/screens/Login.vm -->\n<form name="form1" method="post" action="/login"><input name="username"/><input type="password" name="password"/></form>\n<!-- END xnat-templates/screens/Login.vm -->\n</body></html>\n`,
    };
  }
  return {
    status: 401,
    headers: { "content-type": "text/html; charset=utf-8", "www-authenticate": 'Basic realm="XNAT"' },
    body: html("HTTP Status 401 - Unauthorized", "The request requires user authentication (the session has expired)."),
  };
}
