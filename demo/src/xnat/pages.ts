/** The HTML pages XNAT answers with: Tomcat error pages, Restlet status pages, the login page. */
import { escapeText, escapeXml } from "./table.js";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  410: "Gone",
  413: "Payload Too Large",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
};

/** Standard reason phrase of a status code. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "Error";
}

const DESCRIPTIONS: Record<number, string> = {
  401: "The request has not been applied to the target resource because it lacks valid authentication credentials for that resource.",
  404: "The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.",
};

/** Tomcat's error page (servlet `sendError`), used by the security filters (401 for bad Basic credentials). */
export function tomcatErrorPage(status: number, message: string): string {
  const title = `HTTP Status ${status} – ${reasonPhrase(status)}`;
  const description = DESCRIPTIONS[status] ?? "The server cannot or will not process the request.";
  return (
    `<!doctype html><html lang="en"><head><title>${title}</title><style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} ` +
    `h1, h2, h3, b {color:white;background-color:#525D76;}</style></head><body><h1>${title}</h1><hr class="line" />` +
    `<p><b>Type</b> Status Report</p><p><b>Message</b> ${escapeText(message)}</p><p><b>Description</b> ${description}</p>` +
    `<hr class="line" /><h3>Apache Tomcat/9.0.82</h3></body></html>`
  );
}

/** Restlet 1.1's status page: the reason in `<h3>` (what pyxnat extracts). */
export function restletStatusPage(status: number, message: string): string {
  return (
    `<html>\n<head>\n   <title>Status page</title>\n</head>\n<body>\n<h3>${escapeText(message)}</h3>` +
    `<p>You can get technical details <a href="http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html">here</a>.<br>\n` +
    `Please continue your visit at our <a href="/">home page</a>.\n</p>\n</body>\n</html>\n`
  );
}

/** The message XNAT shows when a login fails (preference `uiLoginFailureMessage`). */
export function loginFailureMessage(maxFailedLogins: number): string {
  return (
    "Login attempt failed. Please try again. Your login attempt failed because the username and password combination you " +
    "provided was invalid or your user already has the maximum number of user sessions open. After " +
    `${maxFailedLogins} failed login attempts, your user account will be locked.`
  );
}

/** The login page browsers are redirected to (`/app/template/Login.vm`). */
export function loginPage(siteId: string): string {
  return (
    `<!DOCTYPE html>\n<html>\n<head><title>${escapeXml(siteId)} - Login</title></head>\n<body>\n` +
    `<!-- BEGIN xnat-templates/screens/Login.vm -->\n<form name="form1" method="post" action="/login">\n` +
    `<label for="username">User</label><input type="text" id="username" name="username">\n` +
    `<label for="password">Password</label><input type="password" id="password" name="password">\n` +
    `<button type="submit">Login</button>\n</form>\n<!-- END xnat-templates/screens/Login.vm -->\n</body>\n</html>\n`
  );
}

/** The site's home page for a logged-in user. */
export function homePage(siteId: string, user: string): string {
  return `<!DOCTYPE html>\n<html>\n<head><title>${escapeXml(siteId)}</title></head>\n<body>\n<p>Logged in as: ${escapeXml(user)}</p>\n</body>\n</html>\n`;
}
