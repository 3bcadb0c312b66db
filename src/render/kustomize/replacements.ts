/**
 * `replacements:`: copies a field of one resource (or part of it, split on a delimiter) into fields
 * of selected resources, creating them when asked. The copied value records the source field's place.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { readSlot, resolveSlots, splitDottedPath } from "./field-path.js";
import { cloneTagged, isCollection, markField, provenanceOf, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";
import { gvkSelected, type ResId } from "./resource-id.js";
import { parseLabelSelector, readSelector, selectResources } from "./selector.js";

export class ReplacementError extends Error {}

interface Options {
  delimiter: string;
  index: number;
  create: boolean;
}

function readOptions(value: JsonValue | undefined): Options {
  const object = isCollection(value) && !Array.isArray(value) ? value : {};
  return {
    delimiter: typeof object.delimiter === "string" ? object.delimiter : "",
    index: typeof object.index === "number" ? object.index : 0,
    create: object.create === true,
  };
}

function text(value: JsonValue): string {
  return value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
}

function idSelected(id: ResId, selector: JsonObject): boolean {
  const field = (key: string): string => (typeof selector[key] === "string" ? (selector[key] as string) : "");
  if (!gvkSelected(id, { group: field("group"), version: field("version"), kind: field("kind") })) return false;
  if (field("name") && field("name") !== id.name) return false;
  if (field("namespace") && field("namespace") !== id.namespace) return false;
  return true;
}

function sourceValue(resources: readonly Resource[], replacement: JsonObject): { value: JsonValue; place: Place | undefined } {
  const source = replacement.source;
  if (!isCollection(source) || Array.isArray(source))
    throw new ReplacementError("replacements must specify a source and at least one target");
  const matches = resources.filter((resource) => resource.allIds().some((id) => idSelected(id, source)));
  const describe = JSON.stringify(source);
  if (matches.length > 1) throw new ReplacementError(`multiple matches for selector ${describe}`);
  const match = matches[0];
  if (!match) throw new ReplacementError(`nothing selected by ${describe}`);
  const fieldPath = typeof source.fieldPath === "string" && source.fieldPath !== "" ? source.fieldPath : "metadata.name";
  const slots = resolveSlots(match.object, splitDottedPath(fieldPath), false);
  const slot = slots[0];
  const value = slot ? readSlot(slot) : undefined;
  if (value === undefined || value === null || (isCollection(value) && Object.keys(value).length === 0)) {
    throw new ReplacementError(`fieldPath \`${fieldPath}\` is missing for replacement source ${describe}`);
  }
  const place = slot ? provenanceOf(slot.parent as JsonValue, [slot.key]) : undefined;
  const options = readOptions(source.options);
  if (options.delimiter === "") return { value, place };
  if (isCollection(value)) throw new ReplacementError("delimiter option can only be used with scalar nodes");
  const parts = text(value).split(options.delimiter);
  if (options.index >= parts.length || options.index < 0)
    throw new ReplacementError(`options.index ${options.index} is out of bounds for value ${text(value)}`);
  return { value: parts[options.index] as string, place };
}

/** A scalar keeps the target's type where the new text allows it (kustomize replaces the text, not the tag). */
function retyped(target: JsonValue | undefined, newText: string, source: JsonValue): JsonValue {
  if (typeof target === "number") return /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(newText) ? Number(newText) : newText;
  if (typeof target === "boolean") return newText === "true" ? true : newText === "false" ? false : newText;
  if (typeof target === "string") return newText;
  return source;
}

export function applyReplacements(resources: readonly Resource[], replacements: readonly JsonObject[]): void {
  for (const replacement of replacements) {
    const targets = replacement.targets;
    if (!Array.isArray(targets) || (replacement.source === undefined && replacement.sourceValue === undefined)) {
      throw new ReplacementError("replacements must specify a source and at least one target");
    }
    const { value, place } =
      replacement.sourceValue !== undefined
        ? { value: replacement.sourceValue as JsonValue, place: undefined }
        : sourceValue(resources, replacement);
    for (const target of targets) {
      if (!isCollection(target) || Array.isArray(target) || !isCollection(target.select) || Array.isArray(target.select)) {
        throw new ReplacementError("target must specify resources to select");
      }
      const select = readSelector(target.select);
      const rejects = Array.isArray(target.reject)
        ? target.reject.filter((item): item is JsonObject => isCollection(item) && !Array.isArray(item))
        : [];
      const fieldPaths =
        Array.isArray(target.fieldPaths) && target.fieldPaths.length > 0 ? target.fieldPaths.map(String) : ["metadata.name"];
      const options = readOptions(target.options);
      const { labelSelector, annotationSelector, ...idSelector } = select;
      for (const resource of resources) {
        if (labelSelector && !parseLabelSelector(labelSelector).every((requirement) => requirement(resource.labels()))) continue;
        if (annotationSelector && !parseLabelSelector(annotationSelector).every((requirement) => requirement(resource.annotations())))
          continue;
        const rejected = rejects.some((reject) => {
          const selector = readSelector(reject);
          if (selector.labelSelector || selector.annotationSelector) {
            const byLabels =
              !selector.labelSelector || parseLabelSelector(selector.labelSelector).every((requirement) => requirement(resource.labels()));
            const byAnnotations =
              !selector.annotationSelector ||
              parseLabelSelector(selector.annotationSelector).every((requirement) => requirement(resource.annotations()));
            if (byLabels && byAnnotations) return true;
          }
          const { labelSelector: _l, annotationSelector: _a, ...rest } = selector;
          if (Object.keys(rest).length === 0) return false;
          return selectResources([resource], rest).length > 0;
        });
        if (rejected) continue;
        if (selectResources([resource], idSelector).length === 0) continue;
        for (const fieldPath of fieldPaths) {
          const slots = resolveSlots(resource.object, splitDottedPath(fieldPath), options.create);
          if (slots.length === 0) {
            throw new ReplacementError(
              options.create
                ? `unable to find or create field "${fieldPath}" in replacement target`
                : `unable to find field "${fieldPath}" in replacement target`,
            );
          }
          for (const slot of slots) {
            const current = readSlot(slot);
            let next: JsonValue;
            if (options.delimiter !== "") {
              if (isCollection(current)) throw new ReplacementError("delimiter option can only be used with scalar nodes");
              const parts = text(current ?? "").split(options.delimiter);
              const inserted = text(value);
              if (options.index < 0) parts.unshift(inserted);
              else if (options.index >= parts.length) parts.push(inserted);
              else parts[options.index] = inserted;
              next = retyped(current ?? "", parts.join(options.delimiter), value);
            } else if (current !== undefined && current !== null && !isCollection(current) && !isCollection(value)) {
              next = retyped(current, text(value), value);
            } else next = cloneTagged(value);
            (slot.parent as Record<string | number, JsonValue>)[slot.key] = next;
            if (place && !isCollection(next)) markField(slot.parent, slot.key, place);
          }
        }
      }
    }
  }
}
