/**
 * `openapi:` (custom merge keys) and the alpha ValueAddTransformer, on small fixtures. Every expected
 * output here was checked with `kubectl kustomize` (kustomize v5.5.0).
 */
import { describe, expect, test } from "@jest/globals";
import type { JsonObject } from "../../../src/manifests/types.js";
import { locatePlace, provenanceOf } from "../../../src/render/kustomize/index.js";
import { render, renderError } from "./render-helpers.js";
import { insertPathPart } from "../../../src/render/kustomize/value-add.js";

const SCHEMA = JSON.stringify({
  definitions: {
    "v1alpha1.MyResource": {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            workers: {
              type: "array",
              items: { $ref: "#/definitions/Worker" },
              "x-kubernetes-patch-strategy": "merge",
              "x-kubernetes-patch-merge-key": "name",
            },
          },
        },
      },
      "x-kubernetes-group-version-kind": [{ group: "example.com", version: "v1alpha1", kind: "MyResource" }],
    },
    Worker: { type: "object", properties: { name: { type: "string" }, image: { type: "string" } } },
  },
});

const CUSTOM =
  "apiVersion: example.com/v1alpha1\nkind: MyResource\nmetadata:\n  name: r\nspec:\n  workers:\n  - name: a\n    image: a\n  - name: b\n    image: b\n";
const CUSTOM_PATCH =
  "apiVersion: example.com/v1alpha1\nkind: MyResource\nmetadata:\n  name: r\nspec:\n  workers:\n  - name: b\n    image: nginx\n";
const DEPLOYMENT =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n      - name: b\n        image: b\n";
const DEPLOYMENT_PATCH =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: b\n        image: nginx\n";

function workers(objects: JsonObject[]): unknown {
  return ((objects.find((object) => object.kind === "MyResource") as JsonObject).spec as JsonObject).workers;
}

function containers(objects: JsonObject[]): unknown {
  const deployment = objects.find((object) => object.kind === "Deployment") as JsonObject;
  return (((deployment.spec as JsonObject).template as JsonObject).spec as JsonObject).containers;
}

// A merged list has the patch's items first, then the others: kyaml's merge2 order.
describe("openapi: a custom schema for merge keys", () => {
  const files = {
    "app/custom.yaml": CUSTOM,
    "app/deployment.yaml": DEPLOYMENT,
    "app/schema.json": SCHEMA,
    "app/custom-patch.yaml": CUSTOM_PATCH,
    "app/deployment-patch.yaml": DEPLOYMENT_PATCH,
  };

  test("without it, a custom type's list is replaced by the patch's and a Deployment's containers merge by name", () => {
    const objects = render(
      {
        ...files,
        "app/kustomization.yaml":
          "resources: [custom.yaml, deployment.yaml]\npatches:\n- path: custom-patch.yaml\n- path: deployment-patch.yaml\n",
      },
      "app",
    );
    expect(workers(objects)).toEqual([{ name: "b", image: "nginx" }]);
    expect(containers(objects)).toEqual([
      { name: "b", image: "nginx" },
      { name: "a", image: "a" },
    ]);
  });

  test("with it, the custom list merges by its merge key, and the schema replaces the built-in one for the whole build", () => {
    const kustomization =
      "resources: [custom.yaml, deployment.yaml]\nopenapi:\n  path: schema.json\npatches:\n- path: custom-patch.yaml\n- path: deployment-patch.yaml\n";
    const objects = render({ ...files, "app/kustomization.yaml": kustomization }, "app");
    expect(workers(objects)).toEqual([
      { name: "b", image: "nginx" },
      { name: "a", image: "a" },
    ]);
    // kustomize too: the custom schema does not define Deployment, so its containers list is replaced.
    expect(containers(objects)).toEqual([{ name: "b", image: "nginx" }]);
  });

  test("a base's schema applies to the build when the root sets none", () => {
    const objects = render(
      {
        "base/custom.yaml": CUSTOM,
        "base/schema.json": SCHEMA,
        "base/kustomization.yaml": "resources: [custom.yaml]\nopenapi:\n  path: schema.json\n",
        "overlay/patch.yaml": CUSTOM_PATCH,
        "overlay/kustomization.yaml": "resources: [../base]\npatches:\n- path: patch.yaml\n",
      },
      "overlay",
    );
    expect(workers(objects)).toEqual([
      { name: "b", image: "nginx" },
      { name: "a", image: "a" },
    ]);
  });

  test("a YAML schema file works as a JSON one", () => {
    const yamlSchema = [
      "definitions:",
      "  MyResource:",
      "    properties:",
      "      spec:",
      "        properties:",
      "          workers:",
      "            type: array",
      "            items: {type: object, properties: {name: {type: string}}}",
      "            x-kubernetes-patch-strategy: merge",
      "            x-kubernetes-list-map-keys: [name]",
      "    x-kubernetes-group-version-kind:",
      "    - {group: example.com, version: v1alpha1, kind: MyResource}",
      "",
    ].join("\n");
    const objects = render(
      {
        "app/custom.yaml": CUSTOM,
        "app/schema.yaml": yamlSchema,
        "app/patch.yaml": CUSTOM_PATCH,
        "app/kustomization.yaml": "resources: [custom.yaml]\nopenapi:\n  path: schema.yaml\npatches:\n- path: patch.yaml\n",
      },
      "app",
    );
    expect(workers(objects)).toEqual([
      { name: "b", image: "nginx" },
      { name: "a", image: "a" },
    ]);
  });

  test("version v1.21.2 is the built-in schema; any other version, or a version with a path, is an error at its line", () => {
    const base = { "app/deployment.yaml": DEPLOYMENT, "app/patch.yaml": DEPLOYMENT_PATCH, "app/schema.json": SCHEMA };
    const objects = render(
      { ...base, "app/kustomization.yaml": "resources: [deployment.yaml]\nopenapi:\n  version: v1.21.2\npatches:\n- path: patch.yaml\n" },
      "app",
    );
    expect(containers(objects)).toHaveLength(2);
    const unknown = renderError(
      { ...base, "app/kustomization.yaml": "resources: [deployment.yaml]\nopenapi:\n  version: v1.29.0\n" },
      "app",
    );
    expect(unknown.message).toMatch(/OpenAPI version is not built in/);
    expect([unknown.file, unknown.line, unknown.feature]).toEqual(["app/kustomization.yaml", 3, "openapi"]);
    const both = renderError(
      { ...base, "app/kustomization.yaml": "resources: [deployment.yaml]\nopenapi:\n  version: v1.21.2\n  path: schema.json\n" },
      "app",
    );
    expect(both.message).toMatch(/cannot use both/);
  });

  test("a missing or malformed schema file stops the render at the openapi entry", () => {
    const missing = renderError(
      { "app/custom.yaml": CUSTOM, "app/kustomization.yaml": "resources: [custom.yaml]\nopenapi:\n  path: nope.json\n" },
      "app",
    );
    expect([missing.file, missing.line, missing.feature]).toEqual(["app/kustomization.yaml", 3, "openapi"]);
    const malformed = renderError(
      {
        "app/custom.yaml": CUSTOM,
        "app/schema.json": "[1, 2]",
        "app/kustomization.yaml": "resources: [custom.yaml]\nopenapi:\n  path: schema.json\n",
      },
      "app",
    );
    expect(malformed.message).toMatch(/invalid schema file/);
  });
});

describe("ValueAddTransformer", () => {
  const base = {
    "base/kustomization.yaml": "resources: [member.yaml]\n",
    "base/member.yaml":
      "apiVersion: iam.cnrm.cloud.google.com/v1beta1\nkind: IAMPolicyMember\nmetadata:\n  name: red\nspec:\n  resourceRef:\n    external: projects\n",
    "transformers/set-project/kustomization.yaml": "resources: [set-project.yaml]\n",
    "transformers/set-project/set-project.yaml": [
      "apiVersion: builtin",
      "kind: ValueAddTransformer",
      "metadata:",
      "  name: project",
      "targets:",
      "- fieldPath: metadata/namespace",
      "- selector:",
      "    kind: IAMPolicyMember",
      "  fieldPath: spec/resourceRef/external",
      "  filePathPosition: 2",
      "- fieldPath: metadata/annotations/example.com\\/project",
      "",
    ].join("\n"),
    "projects/cat-111/kustomization.yaml": "resources: [../../base]\ntransformers: [../../transformers/set-project]\n",
  };

  test("without value: the directory name of the kustomization listing it, in the namespace, a file path and a new field", () => {
    const [member] = render(base, "projects/cat-111");
    expect(member?.metadata).toEqual({ name: "red", namespace: "cat-111", annotations: { "example.com/project": "cat-111" } });
    expect((member?.spec as JsonObject).resourceRef).toEqual({ external: "projects/cat-111" });
    const place = provenanceOf(member as JsonObject, ["spec", "resourceRef", "external"]);
    expect(place && locatePlace(place).file).toBe("projects/cat-111/kustomization.yaml");
  });

  test("a list element in fieldPath is an error, as kustomize's filter cannot add there", () => {
    const files = {
      ...base,
      "transformers/set-project/set-project.yaml":
        "apiVersion: builtin\nkind: ValueAddTransformer\nmetadata:\n  name: p\nvalue: x\ntargets:\n- fieldPath: spec/containers/0/image\n",
    };
    expect(renderError(files, "projects/cat-111").feature).toBe("transformers");
  });

  test("inserts into a file path as kustomize's filesys.InsertPathPart does", () => {
    // The table of kustomize's valueadd filter documentation.
    const cases: [string, number, string][] = [
      ["", 0, "PEACH"],
      ["/", 0, "/PEACH"],
      ["pie", 0, "PEACH/pie"],
      ["/pie", 0, "/PEACH/pie"],
      ["raw", 1, "raw/PEACH"],
      ["/raw", 1, "/raw/PEACH"],
      ["a/nice/warm/pie", 3, "a/nice/warm/PEACH/pie"],
      ["/a/nice/warm/pie", 3, "/a/nice/warm/PEACH/pie"],
      ["a/b", 9999, "a/b/PEACH"],
    ];
    for (const [path, position, expected] of cases) expect(insertPathPart(path, position, "PEACH")).toBe(expected);
  });
});

describe("scalars as kustomize keeps them", () => {
  test("a YAML 1.1-only boolean (`yes`, `on`, `n`) in a resource or an inline patch stays a string; true/false stay booleans", () => {
    const [config] = render(
      {
        "app/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    a: yes\n    b: true\ndata:\n  on: off\n",
        "app/kustomization.yaml":
          "resources: [config.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: c\n      annotations:\n        n: N\n",
      },
      "app",
    );
    // kubectl kustomize prints `a: "yes"`, `b: true`, `"on": "off"`, `n: "N"`.
    expect(config?.metadata).toEqual({ name: "c", labels: { a: "yes", b: true }, annotations: { n: "N" } });
    expect(config?.data).toEqual({ on: "off" });
  });
});
