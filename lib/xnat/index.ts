/**
 * XNAT / ConnectomeDB client: self-healing sessions, the project → subject → experiment
 * hierarchy as DataFrames, experiment XML with xpath and tidy tables, and searches with
 * pyxnat's constraint lists or a typed builder. The public API, as README documents it.
 */
export { connect } from "./client.js";
export type { ConnectOptions, XnatConnection } from "./client.js";
export type { SessionOptions, SessionStats } from "./session.js";
export type { Project } from "./project.js";
export type { Subject } from "./subject.js";
export { experimentsTable } from "./experiment.js";
export type { Experiment } from "./experiment.js";
export type { Scan } from "./scan.js";
export type { Resource, FileOwner } from "./file-owner.js";
export { toFileFrame, toResourceFrame } from "./file-listing.js";
export type { XnatFile, XnatResource } from "./file-listing.js";
export type { FileDownloadOptions, XnatDownloadSummary, ZipChoice } from "./file-download.js";
export type { ZipOutcome } from "./resource-zip.js";
export type { DownloadProgress, DownloadedFile, VerifiedBy } from "../files/download-types.js";
export type { SearchQuery } from "./search.js";
export type { SearchResult, ResultColumn } from "./search-result.js";
export type { ProjectSearchQuery, ProjectSearchResult } from "./project-search.js";
export { toConstraintText } from "./constraints.js";
export type { Operator, Criterion, ConstraintSet, Constraint, ConstraintInput } from "./constraints.js";
export { field, where } from "./where.js";
export type { FieldRef } from "./where.js";
export type { FieldInfo } from "./fields.js";
export { parseXml } from "./xml.js";
export type { XmlDocument, XmlElement, XmlText, XmlNode } from "./xml.js";
export { evaluateXPath, valueOf } from "./xpath.js";
export type { XPathNode, XmlAttribute } from "./xpath.js";
export { toDocumentFields, toWideTable, toWideFrame, WideTableBuilder } from "./document-table.js";
export type { DocumentField, WideTable } from "./document-table.js";
export type { Credentials } from "./credentials.js";
export {
  AuthenticationError,
  MissingCredentialsError,
  InsecureConnectionError,
  NetrcPermissionError,
  NotFoundError,
  AccessDeniedError,
  SessionClosedError,
  XmlFormatError,
  UnsafeXmlError,
  XPathError,
  ConstraintError,
  UnknownOperatorError,
  UnknownFieldError,
  UnknownDataTypeError,
  isAuthenticationError,
  isMissingCredentialsError,
  isInsecureConnectionError,
  isNetrcPermissionError,
  isNotFoundError,
  isAccessDeniedError,
  isSessionClosedError,
  isXmlFormatError,
  isUnsafeXmlError,
  isXPathError,
  isConstraintError,
  isUnknownOperatorError,
  isUnknownFieldError,
  isUnknownDataTypeError,
} from "./errors.js";
