import { NeuroportalError } from "../errors.js";

/** The XNAT server rejected the user name or password (or the session could not be re-established). */
export class AuthenticationError extends NeuroportalError {
  readonly user: string;
  constructor(user: string, url: string, detail = "the server rejected the user name or password") {
    super("E_XNAT_AUTH", `XNAT login as ${JSON.stringify(user)} failed: ${detail}`, {
      url,
      hint: "check the password (NEUROPORTAL_XNAT_USER / NEUROPORTAL_XNAT_PASSWORD or ~/.netrc); XNAT locks an account after 20 failed logins, so the client never retries a failed login",
    });
    this.user = user;
  }
}

/** No user name or password was given, and none was found in the environment or ~/.netrc. */
export class MissingCredentialsError extends NeuroportalError {
  constructor(host: string) {
    super("E_XNAT_NO_CREDENTIALS", `no XNAT credentials for ${host}`, {
      hint: "pass { user, password } to connect(), set NEUROPORTAL_XNAT_USER and NEUROPORTAL_XNAT_PASSWORD, or add a `machine` entry to ~/.netrc",
    });
  }
}

/** A netrc file holds a password but other users can read or change it (or it belongs to someone else); it is not used. */
export class NetrcPermissionError extends NeuroportalError {
  /** The netrc file. */
  readonly path: string;
  /** Its permission bits, e.g. 0o644. */
  readonly mode: number;
  constructor(path: string, mode: number, foreign = false) {
    super("E_XNAT_NETRC", `refusing to read passwords from ${path}: ${foreign ? "it belongs to another user" : `other users can ${mode & 0o022 ? "change" : "read"} it (mode ${mode.toString(8).padStart(4, "0")})`}`, {
      hint: foreign ? `use a netrc file you own (chown it, or point NETRC at your own)` : `make it private with \`chmod 600 ${path}\`, or pass the credentials as options or in NEUROPORTAL_XNAT_USER / NEUROPORTAL_XNAT_PASSWORD`,
    });
    this.path = path;
    this.mode = mode;
  }
}

/** Credentials would travel in clear text (plain http to a non-loopback host). */
export class InsecureConnectionError extends NeuroportalError {
  constructor(url: string) {
    super("E_XNAT_INSECURE", "refusing to send XNAT credentials over plain http to a host that is not this machine", {
      url,
      hint: "use the https:// address of the server, or pass { allowInsecure: true } if you accept that the password can be read on the network",
    });
  }
}

/** The project, subject, experiment or search resource does not exist (or is not visible to this user). */
export class NotFoundError extends NeuroportalError {
  readonly what: string;
  constructor(what: string, url: string) {
    super("E_XNAT_NOT_FOUND", `${what} was not found`, {
      url,
      hint: "check the identifier (IDs and labels are case-sensitive); XNAT also answers 404 for private projects you cannot see",
    });
    this.what = what;
  }
}

/** The user is logged in but not allowed to read the resource (HTTP 403). */
export class AccessDeniedError extends NeuroportalError {
  readonly what: string;
  constructor(what: string, url: string) {
    super("E_XNAT_FORBIDDEN", `access to ${what} was denied`, { url, hint: "ask the project owner for access, or accept the data use terms on the site" });
    this.what = what;
  }
}

/** The session was closed with close(); create a new connection to continue. */
export class SessionClosedError extends NeuroportalError {
  constructor(url: string) {
    super("E_XNAT_CLOSED", "this XNAT connection was closed", { url, hint: "call xnat.connect() again" });
  }
}

/** An XML document is not well-formed. */
export class XmlFormatError extends NeuroportalError {
  readonly line?: number;
  readonly column?: number;
  constructor(detail: string, source: string, position: { line?: number; column?: number } = {}) {
    const where = position.line === undefined ? "" : ` at line ${position.line}, column ${position.column ?? 0}`;
    super("E_XML_MALFORMED", `the XML document from ${source} is not well-formed${where}: ${detail}`, {
      hint: "the server sent a broken or truncated document; fetch it again, and report it if it persists",
    });
    this.line = position.line;
    this.column = position.column;
  }
}

/** An XML document declares a DOCTYPE or entities, which are never expanded (XXE, entity bombs). */
export class UnsafeXmlError extends NeuroportalError {
  constructor(construct: string, source: string) {
    super("E_XML_UNSAFE", `the XML document from ${source} contains a ${construct} declaration, which is refused`, {
      hint: "XNAT documents never need DOCTYPE or entity declarations; the response did not come from a genuine XNAT server or was tampered with",
    });
  }
}

/** An xpath expression is not supported or names a namespace prefix the document does not declare. */
export class XPathError extends NeuroportalError {
  readonly expression: string;
  constructor(expression: string, detail: string, hint?: string) {
    super("E_XPATH", `cannot evaluate xpath ${JSON.stringify(expression)}: ${detail}`, {
      hint: hint ?? "supported: child steps a/b, //, *, @attr, text(), ., .., and predicates [n], [@attr='v']",
    });
    this.expression = expression;
  }
}

/** A search constraint is malformed; `where` names the offending part (e.g. `constraints[1][0]`). */
export class ConstraintError extends NeuroportalError {
  readonly where: string;
  constructor(where: string, detail: string, hint?: string, code = "E_XNAT_CONSTRAINT") {
    super(code, `malformed search constraint at ${where}: ${detail}`, {
      hint: hint ?? "write constraints as pyxnat does: [[\"type/FIELD\", \"op\", \"value\"], ..., \"AND\"], nesting a list for a sub-group, or use where.and(field(...).gt(...), ...)",
    });
    this.where = where;
  }
}

/** A search operator that XNAT does not understand. */
export class UnknownOperatorError extends ConstraintError {
  readonly operator: string;
  constructor(where: string, operator: string, known: readonly string[]) {
    super(where, `unknown operator ${JSON.stringify(operator)}`, `use one of ${known.join(", ")}`, "E_XNAT_OPERATOR");
    this.operator = operator;
  }
}

/** How the server showed that it does not know a field. */
export type UnknownFieldReason = "dropped-column" | "refused-criterion";

/**
 * A search field the server does not know. Never raised from the client's own field list
 * (`/data/search/elements` leaves out fields the server accepts, such as PROJECTS): only once
 * the server has shown it, by leaving the field's column out of the result
 * (`dropped-column`, what XNAT does with an unknown column) or by failing a search whose
 * criterion named it while a probe search showed it has no such field (`refused-criterion`).
 * `suggestions` come from the field list.
 */
export class UnknownFieldError extends NeuroportalError {
  readonly field: string;
  readonly dataType: string;
  readonly suggestions: readonly string[];
  readonly reason: UnknownFieldReason;
  constructor(field: string, dataType: string, suggestions: readonly string[], reason: UnknownFieldReason = "dropped-column", options: { url?: string; cause?: unknown } = {}) {
    const how = reason === "dropped-column" ? "the server left its column out of the result" : "the server refused a search naming it";
    super("E_XNAT_FIELD", `${JSON.stringify(field)} is not a field of ${dataType} on this server (${how})${suggestions.length ? `; did you mean ${suggestions.map((s) => JSON.stringify(s)).join(" or ")}?` : ""}`, {
      url: options.url,
      cause: options.cause,
      hint: `list the searchable fields with cdb.fields(${JSON.stringify(dataType)}) or search them with cdb.fields(${JSON.stringify(dataType)}, { matching: "words" }); fields the list leaves out (such as PROJECTS) still work when the server knows them`,
    });
    this.field = field;
    this.dataType = dataType;
    this.suggestions = suggestions;
    this.reason = reason;
  }
}

/** A data type (xsi type such as `nt:scores`) that the server does not know. */
export class UnknownDataTypeError extends NeuroportalError {
  readonly dataType: string;
  /** The HTTP status the server answered (real XNAT: 400; some servers and proxies: 404). */
  readonly status: number;
  constructor(dataType: string, url: string, status: number, cause?: unknown) {
    super("E_XNAT_TYPE", `${JSON.stringify(dataType)} is not a searchable data type on this server (HTTP ${status})`, {
      url,
      cause,
      hint: "list the data types with cdb.dataTypes()",
    });
    this.dataType = dataType;
    this.status = status;
  }
}

export const isAuthenticationError = (e: unknown): e is AuthenticationError => e instanceof AuthenticationError;
export const isMissingCredentialsError = (e: unknown): e is MissingCredentialsError => e instanceof MissingCredentialsError;
export const isNetrcPermissionError = (e: unknown): e is NetrcPermissionError => e instanceof NetrcPermissionError;
export const isInsecureConnectionError = (e: unknown): e is InsecureConnectionError => e instanceof InsecureConnectionError;
export const isNotFoundError = (e: unknown): e is NotFoundError => e instanceof NotFoundError;
export const isAccessDeniedError = (e: unknown): e is AccessDeniedError => e instanceof AccessDeniedError;
export const isSessionClosedError = (e: unknown): e is SessionClosedError => e instanceof SessionClosedError;
export const isXmlFormatError = (e: unknown): e is XmlFormatError => e instanceof XmlFormatError;
export const isUnsafeXmlError = (e: unknown): e is UnsafeXmlError => e instanceof UnsafeXmlError;
export const isXPathError = (e: unknown): e is XPathError => e instanceof XPathError;
export const isConstraintError = (e: unknown): e is ConstraintError => e instanceof ConstraintError;
export const isUnknownOperatorError = (e: unknown): e is UnknownOperatorError => e instanceof UnknownOperatorError;
export const isUnknownFieldError = (e: unknown): e is UnknownFieldError => e instanceof UnknownFieldError;
export const isUnknownDataTypeError = (e: unknown): e is UnknownDataTypeError => e instanceof UnknownDataTypeError;
