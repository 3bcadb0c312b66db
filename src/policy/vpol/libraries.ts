/**
 * Kyverno's CEL libraries (kyverno/sdk cel libs) as far as they need no cluster: `image()` references
 * and `json.unmarshal`. The ones that reach the cluster or the network are compile errors naming what
 * they need, so such a policy is reported as not evaluable, never passed.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "../cel/errors.js";
import type { CelLibrary } from "../cel/index.js";
import { toCel } from "../cel/index.js";
import type { JsonValue } from "../../manifests/types.js";

export const KYVERNO_CLUSTER_ONLY: Readonly<Record<string, string>> = {
  resource: "the cluster's objects (resource.Get/List/Post)",
  http: "the network (http.Get/Post)",
  globalContext: "Kyverno's global context in the cluster",
  imagedata: "the image registry (imagedata.Get)",
};

/** An image reference as the distribution library reads it: `registry/repository:tag@digest`. */
export class ImageReference {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly tag: string,
    readonly digest: string,
  ) {}
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export function parseImage(text: string): ImageReference | undefined {
  let rest = text;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag = "";
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split("/");
  let registry = "docker.io";
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first;
    parts.shift();
  }
  if (parts.length === 0 || !parts.every((part) => COMPONENT.test(part))) return undefined;
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  if (tag === "" && digest === "") tag = "latest";
  return new ImageReference(registry, parts.join("/"), tag, digest);
}

class JsonNamespace {}

export const kyvernoLibrary: CelLibrary = (env: Environment) => {
  env.registerType("Image", ImageReference);
  env.registerFunction(
    "image(string): Image",
    (text: string) => parseImage(text) ?? celError(`image(${JSON.stringify(text)}): not an image reference`),
  );
  env.registerFunction("isImage(string): bool", (text: string) => parseImage(text) !== undefined);
  env.registerFunction("Image.registry(): string", (image: ImageReference) => image.registry);
  env.registerFunction("Image.repository(): string", (image: ImageReference) => image.repository);
  env.registerFunction("Image.tag(): string", (image: ImageReference) => image.tag);
  env.registerFunction("Image.digest(): string", (image: ImageReference) => image.digest);
  env.registerFunction("Image.identifier(): string", (image: ImageReference) => image.digest || image.tag);
  env.registerFunction("Image.containsDigest(): bool", (image: ImageReference) => image.digest !== "");
  env.registerType("JsonNamespace", JsonNamespace);
  env.registerConstant("json", "JsonNamespace", new JsonNamespace());
  env.registerFunction("JsonNamespace.unmarshal(string): dyn", (_: JsonNamespace, text: string) => {
    try {
      return toCel(JSON.parse(text) as JsonValue);
    } catch (error) {
      return celError(`json.unmarshal: ${(error as Error).message}`);
    }
  });
};
