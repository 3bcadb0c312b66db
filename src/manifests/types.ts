/**
 * The data model every other module works on: plain JSON values read from a file, plus a way to
 * find where any field sits in that file. Evaluation only ever sees plain data; positions are
 * looked up once, when a finding is reported.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** One step into a value: a mapping key or a sequence index. */
export type PathSegment = string | number;
/** A field inside an object, e.g. `["spec", "containers", 0, "securityContext", "privileged"]`. */
export type FieldPath = readonly PathSegment[];

/** A span of source text, 1-based lines and columns, end inclusive of its last character's line. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * Where the fields of one parsed value sit in its file. A path that does not exist (a required field
 * that is missing) resolves to its nearest existing ancestor, so every finding has a line.
 */
export type Locator = (path: FieldPath) => SourceRange;

/** One YAML/JSON document of a file, as the Kubernetes API machinery would read it. */
export interface SourceDocument {
  /** 0-based index of the document in its file. */
  index: number;
  value: JsonValue;
  locate: Locator;
}

/**
 * A problem with an input at its place: a manifest, a policy file or a config file that cannot be
 * used. Always blocking: we never guess what a broken file meant.
 */
export interface InputError {
  file: string;
  line: number;
  column: number;
  message: string;
  /**
   * A stable identifier of the kind of problem (`unknown-key`, `wrong-type`, `not-one-of`, ...) for
   * tools and tests; set by the document reader (src/documents), absent on older producers.
   */
  code?: string;
  /** The closest valid key or value, when the problem looks like a typo (also said in `message`). */
  suggestion?: string;
}

export interface ParsedFile {
  file: string;
  documents: SourceDocument[];
  errors: InputError[];
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped kinds. A namespaced object without one is in `default`. */
  namespace?: string;
  name: string;
  /**
   * For an object rendered by Kustomize: the kustomization roots (`overlays/prod`) that render it.
   * Several when one source line yields the same finding in several overlays.
   */
  renderedIn?: string[];
}

/** One Kubernetes object: a document, an item of a `List`, or the object of an `AdmissionReview`. */
export interface Manifest {
  file: string;
  /** Has non-empty string `apiVersion` and `kind`. */
  object: JsonObject;
  /** Positions of `object`'s fields (paths relative to `object`). */
  locate: Locator;
  /**
   * For an object rendered by Kustomize: the file and range each field's value came from (a base, a
   * patch, a kustomization entry), which may be another file than `file`. Absent for a plain manifest.
   */
  origin?: (path: FieldPath) => { file: string; range: SourceRange };
  /** The kustomization root that renders the object (e.g. `overlays/prod`). */
  renderedIn?: string;
  /**
   * The admission request the object came in, when the document is an `AdmissionReview` (as gator
   * reads one). Absent for a plain manifest, which is reviewed as a CREATE of the object.
   */
  review?: AdmissionRequest;
  /**
   * Where the object is written: its document (0-based index in the stream) and its path in that
   * document (`[]`, or `["items", 3]` for an item of a List). Absent for an object under review in an
   * AdmissionReview, which is a request, not a manifest anyone edits.
   */
  written?: { document: number; path: FieldPath };
}

export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/**
 * What an `AdmissionReview`'s `request` says besides the object under review: what Gatekeeper's
 * policies read as `input.review.operation`, `.oldObject`, `.userInfo`, `.namespace` and `.name`.
 */
export interface AdmissionRequest {
  operation: AdmissionOperation;
  /** The object as it was before an UPDATE; for a DELETE, the object being deleted (also the judged object). */
  oldObject?: JsonObject;
  userInfo?: AdmissionUserInfo;
  /** The namespace of the request; Gatekeeper matches `namespaces` and `namespaceSelector` against it. */
  namespace?: string;
  name?: string;
}

/** `request.userInfo`: who makes the request (Kubernetes `authentication/v1` UserInfo). */
export interface AdmissionUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface LoadedFile {
  file: string;
  manifests: Manifest[];
  errors: InputError[];
}
