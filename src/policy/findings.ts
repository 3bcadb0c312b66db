/**
 * Violations into findings: each placed on the line its field is written on (in its own file, or for a
 * rendered object in the file the value came from), named by a fingerprint of what it is about, with the
 * images it concerns and its fix; then one finding per problem, and the order a reader expects. Pure;
 * a manifest's and a field's facts are worked out once, however many findings they carry.
 */
import { hash } from "node:crypto";
import { resourceRef } from "../manifests/resource.js";
import type { FieldPath, JsonObject, JsonValue, Manifest, PathSegment, ResourceRef, SourceRange } from "../manifests/types.js";
import type { PodView } from "../manifests/workloads.js";
import { formatPath } from "./path.js";
import type { Finding, Policy, Violation } from "./types.js";
import { ACTION_STRENGTH, weakerAction } from "./actions.js";

/**
 * A finding with where it is: two findings at one place with one message (without the basis) are
 * the same problem.
 */
export interface KeyedFinding {
  finding: Finding;
  key: string;
}

/** Where a field of a manifest is written: its own file, or for a rendered object the file its value came from. */
export function sourceOf(manifest: Manifest, sourcePath: FieldPath): { file: string; range: SourceRange } {
  return manifest.origin ? manifest.origin(sourcePath) : { file: manifest.file, range: manifest.locate(sourcePath) };
}

/** A manifest's namespace and name, for telling its findings from another object's: made once per manifest. */
const identities = new WeakMap<Manifest, string>();

function identityOf(manifest: Manifest): string {
  let identity = identities.get(manifest);
  if (identity === undefined) {
    const { namespace, name } = resourceRef(manifest.object);
    identity = [namespace, name].join("\u0000");
    identities.set(manifest, identity);
  }
  return identity;
}

/** Each finding gets its own copy: a manifest's reference is computed once, however many findings it has. */
const references = new WeakMap<Manifest, ResourceRef>();

function referenceOf(manifest: Manifest): ResourceRef {
  let ref = references.get(manifest);
  if (!ref) {
    ref = resourceRef(manifest.object);
    references.set(manifest, ref);
  }
  const copy = { ...ref };
  if (manifest.renderedIn !== undefined) copy.renderedIn = [manifest.renderedIn];
  return copy;
}

/**
 * What every finding on one field of one manifest shares: where it is written, its path as users
 * write it, and the rule-independent part of its fingerprint. Several policies and rules often
 * report on the same field (or on the object as a whole), so this is worked out once per field.
 */
interface FieldFacts {
  file: string;
  range: SourceRange;
  path: string;
  /** `,<stable path JSON>,<content>]`: the fingerprint's text after its rule. */
  fingerprintTail: string;
}

const fieldFacts = new WeakMap<Manifest, Map<string, FieldFacts>>();

function factsOf(manifest: Manifest, sourcePath: FieldPath): FieldFacts {
  const path = formatPath(sourcePath);
  let byPath = fieldFacts.get(manifest);
  if (!byPath) {
    byPath = new Map();
    fieldFacts.set(manifest, byPath);
  }
  let facts = byPath.get(path);
  if (!facts) {
    const { file, range } = sourceOf(manifest, sourcePath);
    facts = { file, range, path, fingerprintTail: fingerprintTail(manifest.object, sourcePath) };
    byPath.set(path, facts);
  }
  return facts;
}

/**
 * `toSourcePath` maps a path in the judged object (a Pod made from a template) to the manifest's
 * object; `view` is the pod the finding is about, when there is one (for its images).
 */
export function toFinding(
  policy: Policy,
  manifest: Manifest,
  violation: Violation,
  toSourcePath: (path: FieldPath) => FieldPath,
  view: PodView | undefined,
): KeyedFinding {
  const sourcePath = toSourcePath(violation.path);
  const { file, range, path, fingerprintTail } = factsOf(manifest, sourcePath);
  const rule = violation.rule ?? policy.kind;
  const finding: Finding = {
    policy: policy.name,
    policyKind: policy.kind,
    rule,
    // A policy's enforcementAction is the most its violations can do.
    action: weakerAction(violation.action ?? policy.enforcementAction, policy.enforcementAction),
    message: violation.message,
    file,
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
    resource: referenceOf(manifest),
    path,
    fingerprint: hash("sha256", `[${JSON.stringify(rule)}${fingerprintTail}`, "hex").slice(0, 16),
  };
  if (violation.container !== undefined) finding.container = violation.container;
  if (violation.docs !== undefined) finding.docs = violation.docs;
  if (view) finding.images = imagesOf(view.pod, violation.container);
  if (violation.basis !== undefined) finding.basis = violation.basis;
  if (violation.fix && manifest.written) {
    const prefix = manifest.written.path;
    const edits = violation.fix.edits.map((edit) => ({ ...edit, path: [...prefix, ...toSourcePath(edit.path)] }));
    finding.fix = { document: manifest.written.document, fix: { description: violation.fix.description, edits } };
  } else if (violation.fix && manifest.fixAtSource) {
    // A rendered object: the edits go where the values come from, if that place is safe to edit.
    const placed = manifest.fixAtSource(
      violation.fix.edits.map((edit) => ({ ...edit, path: toSourcePath(edit.path) })),
      sourcePath,
    );
    if ("unfixable" in placed) finding.fixUnavailable = placed.unfixable;
    else
      finding.fix = { file: placed.file, document: placed.document, fix: { description: violation.fix.description, edits: placed.edits } };
  }
  const { resource } = finding;
  // A source line rendered into several overlays (a base's field, a shared component's patch) is
  // one problem to fix in one place: one finding, naming every overlay it reaches.
  const where = resource.renderedIn ? `${finding.line}:${finding.column}` : identityOf(manifest);
  // Joined, not concatenated: a flat string hashes without first being copied into one.
  const key = [finding.policyKind, rule, file, resource.kind, where, path, finding.container].join("\u0000");
  return { finding, key };
}

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/**
 * The image of the named container, or every image of the pod (sorted, duplicates kept once) for a
 * finding on the pod as a whole or on a container the spec does not list by that name. A missing or
 * non-string image is written as such, so it is content like any other.
 */
function imagesOf(pod: JsonObject, container: string | undefined): string[] {
  // Many findings name one pod's containers: each answer is computed once per pod, and each finding gets its own copy.
  let byContainer = podImageSets.get(pod);
  if (!byContainer) {
    byContainer = new Map();
    podImageSets.set(pod, byContainer);
  }
  let images = byContainer.get(container);
  if (!images) {
    const all = containerImages(pod);
    const named = container === undefined ? [] : all.filter((entry) => entry.name === container);
    // Two containers of one name (invalid, but possible in a file) are one subject: bind to both images.
    images = distinctSorted(named.length > 0 ? named : all);
    byContainer.set(container, images);
  }
  return images.slice();
}

const podImageSets = new WeakMap<JsonObject, Map<string | undefined, string[]>>();

function distinctSorted(entries: readonly { image: string }[]): string[] {
  return [...new Set(entries.map((entry) => entry.image))].sort();
}

/** Every container's name and image, read once per pod (a pod may carry many findings). */
const podImages = new WeakMap<JsonObject, readonly { name: JsonValue | undefined; image: string }[]>();

function containerImages(pod: JsonObject): readonly { name: JsonValue | undefined; image: string }[] {
  const cached = podImages.get(pod);
  if (cached) return cached;
  const spec = pod["spec"];
  const all: { name: JsonValue | undefined; image: string }[] = [];
  if (spec && typeof spec === "object" && !Array.isArray(spec)) {
    for (const list of CONTAINER_LISTS) {
      const items = spec[list];
      if (!Array.isArray(items)) continue;
      for (const item of items) {
        if (!item || typeof item !== "object" || Array.isArray(item)) continue;
        const image = item["image"];
        all.push({
          name: item["name"],
          image: typeof image === "string" ? image : `<${image === undefined ? "no image" : JSON.stringify(image)}>`,
        });
      }
    }
  }
  podImages.set(pod, all);
  return all;
}

/**
 * The same check reporting the same thing on the same field for two policies of one kind (PSS baseline at deny and
 * restricted at warn both run `privileged`) is one problem: keep the strictest, so a reviewer sees
 * one annotation per problem.
 */
export function strongestPerField(findings: readonly KeyedFinding[]): Finding[] {
  const kept: Finding[] = [];
  // Per place, the slots in `kept` of the findings there; the message tells them apart (comparing it
  // here is cheaper than making it part of every key).
  const places = new Map<string, number[]>();
  for (const { finding, key } of findings) {
    let slots = places.get(key);
    if (!slots) {
      slots = [];
      places.set(key, slots);
    }
    let slot = -1;
    for (const candidate of slots) if ((kept[candidate] as Finding).message === finding.message) slot = candidate;
    const previous = slot === -1 ? undefined : (kept[slot] as Finding);
    let merged = finding;
    if (previous || finding.resource.renderedIn) {
      const roots = [...new Set([...(previous?.resource.renderedIn ?? []), ...(finding.resource.renderedIn ?? [])])].sort();
      const strongest = !previous || ACTION_STRENGTH[finding.action] > ACTION_STRENGTH[previous.action] ? finding : previous;
      merged = roots.length > 0 ? { ...strongest, resource: { ...strongest.resource, renderedIn: roots } } : strongest;
    }
    if (slot === -1) {
      slots.push(kept.length);
      kept.push(merged);
    } else kept[slot] = merged;
  }
  return kept;
}

/**
 * A fingerprint is the hash of JSON.stringify([rule, stable path, content]). List items are
 * identified by their `name` where they have one (containers, volumes), so inserting a container
 * before the excused one does not void an exception; the value itself is the content, where a map
 * or list is its own digest: a whole object carries many findings, and hashing its JSON once keeps
 * each fingerprint's hash small.
 */
function fingerprintTail(object: JsonObject, path: FieldPath): string {
  const stablePath: PathSegment[] = [];
  let value: JsonValue | undefined = object;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === "number") {
      const item: JsonValue | undefined = value[segment];
      const name = item && typeof item === "object" && !Array.isArray(item) ? item["name"] : undefined;
      stablePath.push(typeof name === "string" ? `name=${name}` : segment);
      value = item;
    } else {
      stablePath.push(segment);
      value = value && typeof value === "object" && !Array.isArray(value) ? value[String(segment)] : undefined;
    }
  }
  return `,${JSON.stringify(stablePath)},${value === undefined ? '"absent"' : contentOf(value)}]`;
}

/** The digests of manifest nodes, by identity: manifests are never mutated once loaded. */
const nodeDigests = new WeakMap<object, string>();

function contentOf(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  let digest = nodeDigests.get(value);
  if (digest === undefined) {
    digest = JSON.stringify(hash("sha256", JSON.stringify(value), "hex"));
    nodeDigests.set(value, digest);
  }
  return digest;
}

export function byPosition(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || compare(a.policy, b.policy) || compare(a.rule, b.rule) || compare(a.message, b.message);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
