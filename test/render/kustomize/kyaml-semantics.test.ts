/**
 * Behaviours of kustomize v5.5 that come from kyaml and Go's decoding rather than from the docs,
 * each found by comparing with `kubectl kustomize` (kustomize v5.5.0) on small roots; the expected
 * values are what it printed.
 */
import { describe, expect, test } from "@jest/globals";
import type { JsonObject, JsonValue } from "../../../src/manifests/types.js";
import { render, renderError } from "./render-helpers.js";

const DEPLOYMENT = [
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata:",
  "  name: web",
  "spec:",
  "  template:",
  "    spec:",
  "      containers:",
  "      - name: web",
  "        image: nginx",
  "        ports:",
  "        - containerPort: 80",
  "          protocol: TCP",
  "        - containerPort: 443",
  "",
].join("\n");

function podSpec(object: JsonObject | undefined): JsonObject {
  return ((object?.spec as JsonObject).template as JsonObject).spec as JsonObject;
}

function patchOf(body: string[]): string {
  return [
    "patches:",
    "- patch: |-",
    ...["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: web", ...body].map((line) => `    ${line}`),
    "",
  ].join("\n");
}

describe("strategic merge of lists, in kyaml's order", () => {
  test("with several merge keys (ports: containerPort+protocol), the patch's new items come first, then the target's in their order", () => {
    const patch = patchOf([
      "spec:",
      "  template:",
      "    spec:",
      "      containers:",
      "      - name: web",
      "        ports:",
      "        - containerPort: 80",
      "          protocol: TCP",
      "          name: http",
      "        - containerPort: 8080",
    ]);
    const [deployment] = render({ "app/d.yaml": DEPLOYMENT, "app/kustomization.yaml": `resources: [d.yaml]\n${patch}` }, "app");
    const [container] = podSpec(deployment).containers as JsonObject[];
    expect(container?.ports).toEqual([
      { containerPort: 8080 },
      { containerPort: 80, protocol: "TCP", name: "http" },
      { containerPort: 443 },
    ]);
  });

  test("a target item without the merge key leaves only itself (kyaml's element setter)", () => {
    const target = DEPLOYMENT.replace(
      "        ports:\n        - containerPort: 80\n          protocol: TCP\n        - containerPort: 443\n",
      "      - image: nokey\n      - name: c\n        image: c\n",
    );
    const patch = patchOf(["spec:", "  template:", "    spec:", "      containers:", "      - name: c", "        image: c2"]);
    const [deployment] = render({ "app/d.yaml": target, "app/kustomization.yaml": `resources: [d.yaml]\n${patch}` }, "app");
    expect(podSpec(deployment).containers).toEqual([{ image: "nokey" }]);
  });
});

describe("scalars", () => {
  test("metadata.annotations come out as strings, written as in the source; a pod template's keep their types", () => {
    const deployment = DEPLOYMENT.replace(
      "  name: web\n",
      "  name: web\n  annotations:\n    port: 010\n    scrape: True\n    ratio: 1.50\n    empty: ~\n",
    ).replace("    spec:\n", "    metadata:\n      annotations:\n        port: 8080\n    spec:\n");
    const [rendered] = render({ "app/d.yaml": deployment, "app/kustomization.yaml": "resources: [d.yaml]\n" }, "app");
    expect((rendered?.metadata as JsonObject).annotations).toEqual({ port: "010", scrape: "True", ratio: "1.50", empty: "~" });
    expect((((rendered?.spec as JsonObject).template as JsonObject).metadata as JsonObject).annotations).toEqual({ port: 8080 });
  });

  test("after a JSON 6902 patch, which kustomize applies to the object's JSON, they are written in canonical form", () => {
    const deployment = DEPLOYMENT.replace("  name: web\n", "  name: web\n  annotations:\n    port: 010\n    scrape: True\n    empty: ~\n");
    const kustomization = `resources: [d.yaml]\npatches:\n- target: {kind: Deployment}\n  patch: '[{"op": "add", "path": "/spec/replicas", "value": 2}]'\n`;
    const [rendered] = render({ "app/d.yaml": deployment, "app/kustomization.yaml": kustomization }, "app");
    expect((rendered?.metadata as JsonObject).annotations).toEqual({ port: "8", scrape: "true", empty: "null" });
  });

  test("a JSON 6902 patch reads YAML as sigs.k8s.io/yaml does (`y` is true), a strategic merge patch as kyaml (`y` stays a string)", () => {
    const files = {
      "app/d.yaml": DEPLOYMENT,
      "app/kustomization.yaml": [
        "resources: [d.yaml]",
        "patches:",
        "- target: {kind: Deployment}",
        "  patch: |-",
        "    - op: add",
        "      path: /spec/template/metadata",
        "      value: {labels: {json: y}}",
        "- patch: |-",
        "    apiVersion: apps/v1",
        "    kind: Deployment",
        "    metadata: {name: web, labels: {smp: y}}",
        "",
      ].join("\n"),
    };
    const [deployment] = render(files, "app");
    expect((deployment?.metadata as JsonObject).labels).toEqual({ smp: "y" });
    expect(((deployment?.spec as JsonObject).template as JsonObject).metadata).toEqual({ labels: { json: true } });
  });
});

describe("labels", () => {
  test("includeTemplates labels a StatefulSet's claim templates too (kustomize v5.5's template label field specs)", () => {
    const statefulSet =
      "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      containers: []\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n";
    const [rendered] = render(
      {
        "app/s.yaml": statefulSet,
        "app/kustomization.yaml": "resources: [s.yaml]\nlabels:\n- pairs: {team: a}\n  includeTemplates: true\n",
      },
      "app",
    );
    const claims = (rendered?.spec as JsonObject).volumeClaimTemplates as JsonValue[];
    expect(claims).toEqual([{ metadata: { name: "data", labels: { team: "a" } } }]);
  });
});

describe("the kustomization file decodes into kustomize's Go types", () => {
  const base = { "app/d.yaml": DEPLOYMENT };
  test.each([
    ["namespace: n", 2, /cannot unmarshal bool \(false\) into Go struct field Kustomization.namespace of type string/],
    ["commonLabels:\n  version: 1.0", 3, /Kustomization.commonLabels of type string/],
    ["replicas:\n- name: web\n  count: 1.5", 4, /Replica.count of type int64/],
    ["patches:\n- pathh: p.yaml", 3, /unknown field "pathh" in Patch/],
    ["images: nginx", 2, /Kustomization.images of type \[\]Image/],
    [
      "patches:\n- target: {kind: Deployment}\n  patch: '[{op: add, path: /spec/replicas, value: 2}]'",
      3,
      /a patch starting with '\[' must be JSON/,
    ],
  ])("%s is an error at its line", (text, line, message) => {
    const error = renderError({ ...base, "app/kustomization.yaml": `resources: [d.yaml]\n${text}\n` }, "app");
    expect(error.message).toMatch(message);
    expect([error.file, error.line]).toEqual(["app/kustomization.yaml", line]);
  });
});
