/**
 * The registry covers the whole library, and each kind accepts exactly the parameters its upstream
 * template declares (same names, types and enums), read from the template's openAPIV3Schema.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";
import { gatekeeperKinds, gatekeeperLibrary } from "../../../src/policy/gatekeeper/index.js";
import type { Schema } from "../../../src/policy/gatekeeper/lib/schema.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const LIBRARY = path.join(path.resolve(REPO, "../shared"), "corpora/gatekeeper-library/library");

interface UpstreamSchema {
  type?: string;
  enum?: string[];
  properties?: Record<string, UpstreamSchema>;
  items?: UpstreamSchema;
}

interface UpstreamTemplate {
  dir: string;
  kind: string;
  /** Undefined when the file is not strict YAML (Go's parser is more lenient than the spec). */
  schema: UpstreamSchema | undefined;
}

function templates(): UpstreamTemplate[] {
  return ["general", "pod-security-policy"].flatMap((group) =>
    readdirSync(path.join(LIBRARY, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(LIBRARY, group, entry.name, "template.yaml")))
      .map((entry) => {
        const dir = `library/${group}/${entry.name}`;
        const text = readFileSync(path.join(LIBRARY, group, entry.name, "template.yaml"), "utf8");
        try {
          const template = load(text) as {
            spec: { crd: { spec: { names: { kind: string }; validation?: { openAPIV3Schema?: UpstreamSchema } } } };
          };
          const crd = template.spec.crd.spec;
          return { dir, kind: crd.names.kind, schema: crd.validation?.openAPIV3Schema ?? { type: "object" } };
        } catch {
          return { dir, kind: /names:\s*\n\s*kind:\s*(\S+)/.exec(text)?.[1] ?? "?", schema: undefined };
        }
      }),
  );
}

/** Where our schema and upstream's disagree, as readable paths. */
function differences(ours: Schema, upstream: UpstreamSchema, at = "parameters"): string[] {
  const found: string[] = [];
  if (upstream.type !== undefined && upstream.type !== ours.type) found.push(`${at}: type ${ours.type}, upstream ${upstream.type}`);
  if (ours.type === "string" && JSON.stringify(ours.enum ?? null) !== JSON.stringify(upstream.enum ?? null)) {
    found.push(`${at}: enum ${JSON.stringify(ours.enum)}, upstream ${JSON.stringify(upstream.enum)}`);
  }
  if (ours.type === "array" && upstream.items) found.push(...differences(ours.items, upstream.items, `${at}[]`));
  if (ours.type === "object") {
    const upstreamKeys = Object.keys(upstream.properties ?? {}).sort();
    const ourKeys = Object.keys(ours.properties).sort();
    if (JSON.stringify(upstreamKeys) !== JSON.stringify(ourKeys))
      found.push(`${at}: keys ${ourKeys.join(",")}, upstream ${upstreamKeys.join(",")}`);
    for (const key of ourKeys) {
      const theirs = upstream.properties?.[key];
      if (theirs) found.push(...differences(ours.properties[key] as Schema, theirs, `${at}.${key}`));
    }
  }
  return found;
}

describe("the Gatekeeper library registry", () => {
  it("has one kind per name, accepting every constraint apiVersion", () => {
    const names = gatekeeperKinds.map((k) => k.kind);
    expect(new Set(names).size).toBe(names.length);
    for (const kind of gatekeeperKinds) {
      expect(kind.apiVersions).toEqual(
        expect.arrayContaining(["constraints.gatekeeper.sh/v1beta1", "constraints.gatekeeper.sh/v1alpha1", "constraints.gatekeeper.sh/v1"]),
      );
      expect(kind.description.length).toBeGreaterThan(10);
    }
  });

  const corpusPresent = existsSync(LIBRARY);
  if (!corpusPresent)
    console.log(`SKIPPED Gatekeeper registry parity: ${LIBRARY} is absent (the shared corpora live beside the checkout).`);
  const upstream = corpusPresent ? templates() : [];

  it("implements every template of library/general and library/pod-security-policy", () => {
    if (!corpusPresent) return;
    expect(gatekeeperLibrary.map((k) => `${k.template} ${k.kind}`).sort()).toEqual(upstream.map((t) => `${t.dir} ${t.kind}`).sort());
  });

  it.each(upstream.map((t) => [t.kind, t] as const))("%s takes the template's parameters", (_kind, template) => {
    const ours = gatekeeperLibrary.find((k) => k.kind === template.kind);
    expect(ours).toBeDefined();
    if (!template.schema) {
      console.log(`${template.dir}/template.yaml is not strict YAML; its parameters were compared by hand`);
      return;
    }
    if (ours) expect(differences(ours.parameters, template.schema)).toEqual([]);
  });
});
