/**
 * XNAT / ConnectomeDB client: self-healing sessions, the project → subject → experiment
 * hierarchy as DataFrames, experiment XML with xpath and tidy tables, and searches with
 * pyxnat's constraint lists or a typed builder.
 */
export { connect, XnatConnection } from "./client.js";
export type { ConnectOptions } from "./client.js";
export { Project, PROJECT_COLUMNS, SUBJECT_COLUMNS } from "./project.js";
export { Subject, EXPERIMENT_COLUMNS } from "./subject.js";
export { Experiment, experimentsTable } from "./experiment.js";
export { ProjectSearchQuery, ProjectSearchResult } from "./project-search.js";
export { SearchQuery, checkFields, checkValueTypes, qualifyField, expectedKey, toResultColumns } from "./search.js";
export { SearchResult } from "./search-result.js";
export type { ResultColumn } from "./search-result.js";
export { toSearchDocument, escapeXml, XDAT_NAMESPACE } from "./search-document.js";
export type { SearchSpec, SearchColumn } from "./search-document.js";
export {
  OPERATORS,
  toConstraintSet,
  fromPyxnatList,
  fromPostfix,
  toCriterion,
  criteriaOf,
  andAll,
  toConstraintText,
  splitField,
} from "./constraints.js";
export type { Operator, Criterion, ConstraintSet, Constraint, ConstraintInput } from "./constraints.js";
export { field, where } from "./where.js";
export type { FieldRef } from "./where.js";
export { fromFieldListing, matchFields, suggestFields, toColumnType, toFieldFrame } from "./fields.js";
export type { FieldInfo } from "./fields.js";
export { fromProjectList, sqlLike, splitByMembership } from "./membership.js";
export type { MembershipSplit } from "./membership.js";
export { parseXml, textOf } from "./xml.js";
export { MAX_XML_DEPTH } from "./xml-parser.js";
export type { XmlDocument, XmlElement, XmlText, XmlNode } from "./xml.js";
export { compileXPath, evaluateXPath, valueOf } from "./xpath.js";
export type { XPathNode, XmlAttribute, CompiledPath } from "./xpath.js";
export { toDocumentFields, toDocumentFrame, toWideTable, toWideFrame, toNumber, WideTableBuilder } from "./document-table.js";
export type { DocumentField, WideTable } from "./document-table.js";
export { fromListingJson, toListingFrame } from "./listing.js";
export type { Listing, ListingColumn } from "./listing.js";
export { fromNetrcText, netrcEntryFor, resolveCredentials, isSafeTransport } from "./credentials.js";
export type { Credentials, NetrcEntry, CredentialSources } from "./credentials.js";
export { toBaseUrl } from "./paths.js";
export { XnatSession } from "./session.js";
export type { SessionStats, SessionOptions } from "./session.js";
export {
  AuthenticationError,
  MissingCredentialsError,
  InsecureConnectionError,
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
