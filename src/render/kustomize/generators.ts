/**
 * `configMapGenerator` and `secretGenerator`: ConfigMaps and Secrets built from literals, files and
 * env files, with `generatorOptions`, `behavior` (create, merge into or replace an inherited one) and
 * the content-hash name suffix kustomize adds at the end of the render.
 */
import { createHash } from "node:crypto";
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { baseName, type RenderFileSystem } from "./filesystem.js";
import { errorAt, isCollection, placeAt, tagTree, type Place } from "./provenance.js";
import { Resource, type GeneratorBehavior } from "./resource.js";

export interface GeneratorContext {
  fs: RenderFileSystem;
  /** Resolves a file named by the kustomization (load restrictor applied), or throws at `place`. */
  resolveFile(reference: string, place: Place, feature: string): string;
  kustomizationFile: string;
}

interface Options {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  disableNameSuffixHash: boolean;
  immutable: boolean;
}

function stringRecord(value: JsonValue | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isCollection(value) || Array.isArray(value)) return result;
  for (const [key, item] of Object.entries(value)) result[key] = item === null ? "" : String(item);
  return result;
}

function readOptions(value: JsonValue | undefined): Options {
  const object = isCollection(value) && !Array.isArray(value) ? value : {};
  return {
    labels: stringRecord(object.labels),
    annotations: stringRecord(object.annotations),
    disableNameSuffixHash: object.disableNameSuffixHash === true,
    immutable: object.immutable === true,
  };
}

/** kustomize's rule: the generator's own options win over `generatorOptions`; either one disabling the hash disables it. */
function mergeOptions(local: Options, global: Options): Options {
  return {
    labels: { ...global.labels, ...local.labels },
    annotations: { ...global.annotations, ...local.annotations },
    disableNameSuffixHash: local.disableNameSuffixHash || global.disableNameSuffixHash,
    immutable: local.immutable || global.immutable,
  };
}

function stripQuotes(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) return value.slice(1, -1);
  return value;
}

/** Base64 as kustomize writes it into generated objects: lines of 70 characters, each ended by a newline once there is more than one. */
export function wrappedBase64(bytes: Uint8Array | string): string {
  const encoded = Buffer.from(bytes as Uint8Array).toString("base64");
  const lines = Math.floor(encoded.length / 70) + 1;
  if (lines <= 1) return encoded;
  let result = "";
  for (let index = 0; index < encoded.length; index += 70) result += `${encoded.slice(index, index + 70)}\n`;
  return result;
}

const KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

function stringList(value: JsonValue | undefined, place: Place, feature: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw errorAt(place, feature, "must be a list");
  return value.map((item, index) => {
    if (typeof item !== "string") throw errorAt(placeAt(place, index), feature, "must be a string");
    return item;
  });
}

function decodeUtf8(bytes: Uint8Array | string): string | undefined {
  if (typeof bytes === "string") return bytes;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** key=value lines of an env file; blank lines and `#` comments are skipped. */
function envPairs(text: string, place: Place, feature: string): [string, string][] {
  const pairs: [string, string][] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    const key = equals === -1 ? line : line.slice(0, equals);
    if (!KEY_PATTERN.test(key))
      throw errorAt(
        place,
        feature,
        `invalid key '${key}' in env file: a valid key must consist of alphanumeric characters, '-', '_' or '.'`,
      );
    pairs.push([key, equals === -1 ? "" : line.slice(equals + 1)]);
  }
  return pairs;
}

/** One generator entry -> the ConfigMap or Secret it makes. */
export function generate(
  kind: "ConfigMap" | "Secret",
  entry: JsonValue,
  place: Place,
  globalOptions: JsonValue | undefined,
  context: GeneratorContext,
): Resource {
  const feature = kind === "ConfigMap" ? "configMapGenerator" : "secretGenerator";
  if (!isCollection(entry) || Array.isArray(entry)) throw errorAt(place, feature, "a generator entry must be a mapping");
  const name = entry.name;
  if (typeof name !== "string" || name === "") throw errorAt(place, feature, `a ${kind} generator needs a name`);
  // kustomize reads any other value (`add`, empty) as "unspecified", which behaves as create.
  const behaviorValue = entry.behavior === "merge" || entry.behavior === "replace" ? entry.behavior : "create";
  const options = mergeOptions(readOptions(entry.options), readOptions(globalOptions));
  const data: Record<string, string> = {};
  const binary: Record<string, string> = {};
  const add = (key: string, value: string | Uint8Array, at: Place): void => {
    if (key in data || key in binary) throw errorAt(at, feature, `${kind.toLowerCase()} ${name} illegally repeats the key \`${key}\``);
    const text = decodeUtf8(value);
    if (text === undefined) {
      if (kind === "Secret") data[key] = wrappedBase64(value);
      else binary[key] = wrappedBase64(value);
    } else data[key] = kind === "Secret" ? wrappedBase64(Buffer.from(text, "utf8")) : text;
  };
  const envs = [...stringList(entry.envs, placeAt(place, "envs"), feature)];
  if (typeof entry.env === "string" && entry.env !== "") envs.push(entry.env);
  envs.forEach((reference, index) => {
    const at = placeAt(place, entry.env === reference && index === envs.length - 1 && !Array.isArray(entry.envs) ? "env" : "envs", index);
    const path = context.resolveFile(reference, at, feature);
    const content = decodeUtf8(context.fs.contentOf(path) as Uint8Array | string);
    if (content === undefined) throw errorAt(at, feature, `env file '${reference}' is not UTF-8 text`);
    for (const [key, value] of envPairs(content, at, feature)) add(key, value, at);
  });
  stringList(entry.literals, placeAt(place, "literals"), feature).forEach((literal, index) => {
    const at = placeAt(place, "literals", index);
    const equals = literal.indexOf("=");
    if (equals <= 0) throw errorAt(at, feature, `invalid literal source '${literal}', expected key=value`);
    add(literal.slice(0, equals), stripQuotes(literal.slice(equals + 1)), at);
  });
  stringList(entry.files, placeAt(place, "files"), feature).forEach((spec, index) => {
    const at = placeAt(place, "files", index);
    const equals = spec.indexOf("=");
    const key = equals === -1 ? baseName(spec) : spec.slice(0, equals);
    const reference = equals === -1 ? spec : spec.slice(equals + 1);
    if (equals !== -1 && (key === "" || reference === "")) throw errorAt(at, feature, `invalid file source '${spec}'`);
    const path = context.resolveFile(reference, at, feature);
    add(key, context.fs.contentOf(path) as Uint8Array | string, at);
  });

  const metadata: JsonObject = { name };
  if (typeof entry.namespace === "string" && entry.namespace !== "") metadata.namespace = entry.namespace;
  if (Object.keys(options.labels).length > 0) metadata.labels = { ...options.labels };
  if (Object.keys(options.annotations).length > 0) metadata.annotations = { ...options.annotations };
  const object: JsonObject = { apiVersion: "v1", kind, metadata };
  if (kind === "Secret") object.type = typeof entry.type === "string" && entry.type !== "" ? entry.type : "Opaque";
  if (Object.keys(data).length > 0 || kind === "Secret") object.data = data;
  if (Object.keys(binary).length > 0) object.binaryData = binary;
  if (options.immutable) object.immutable = true;
  tagTree(object, place);
  const resource = new Resource(object, context.kustomizationFile);
  resource.needsHash = !options.disableNameSuffixHash;
  resource.behavior = behaviorValue as GeneratorBehavior;
  return resource;
}

/** Go's encoding/json escapes <, > and & in strings; the hash is over that encoding. */
function goJson(value: JsonValue): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function sortedJson(value: JsonValue): JsonValue {
  if (!isCollection(value)) return value;
  if (Array.isArray(value)) return value.map(sortedJson);
  const result: JsonObject = {};
  for (const key of Object.keys(value).sort()) result[key] = sortedJson(value[key] as JsonValue);
  return result;
}

function encodeHash(hex: string): string {
  const map: Record<string, string> = { "0": "g", "1": "h", "3": "k", a: "m", e: "t" };
  return [...hex.slice(0, 10)].map((char) => map[char] ?? char).join("");
}

/**
 * The 10-character suffix kustomize derives from a generated object's content. kustomize looks the
 * name up as a single field called "metadata/name", which never exists, so the name it hashes is
 * always empty: the suffix depends on the content only.
 */
export function contentHash(object: JsonObject): string {
  const field = (value: JsonValue | undefined): JsonValue => (value === undefined ? "" : value);
  let encoded: JsonValue;
  if (object.kind === "ConfigMap") {
    encoded = { kind: "ConfigMap", name: "", data: field(object.data) };
    if (isCollection(object.binaryData) && !Array.isArray(object.binaryData)) encoded.binaryData = object.binaryData;
  } else if (object.kind === "Secret") {
    encoded = { kind: "Secret", type: field(object.type), name: "", data: field(object.data) };
    if (isCollection(object.stringData) && !Array.isArray(object.stringData)) encoded.stringData = object.stringData;
  } else encoded = object;
  return encodeHash(
    createHash("sha256")
      .update(goJson(sortedJson(encoded)))
      .digest("hex"),
  );
}
