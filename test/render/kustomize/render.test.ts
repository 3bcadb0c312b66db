/**
 * The renderer on small fixtures: objects out as kustomize prints them, and every field's provenance
 * (the base line, the patch line, the kustomization entry) so a finding can be placed on it.
 */
import { describe, expect, test } from "@jest/globals";
import type { FieldPath, JsonObject } from "../../../src/manifests/types.js";
import { locatePlace, memoryFileSystem, provenanceOf, renderKustomization } from "../../../src/render/kustomize/index.js";
import { render, renderError } from "./render-helpers.js";

const BASE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
        envFrom:
        - configMapRef:
            name: settings
`;

const FILES = {
  "base/kustomization.yaml": "resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - MODE=base\n",
  "base/deployment.yaml": BASE_DEPLOYMENT,
  "overlays/prod/kustomization.yaml": [
    "namespace: prod",
    "namePrefix: prod-",
    "resources:",
    "- ../../base",
    "images:",
    "- name: nginx",
    "  newTag: 1.27.1",
    "patches:",
    "- path: debug-patch.yaml",
    "",
  ].join("\n"),
  "overlays/prod/debug-patch.yaml": [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: web",
    "spec:",
    "  template:",
    "    spec:",
    "      hostPID: true",
    "      containers:",
    "      - name: web",
    "        securityContext:",
    "          privileged: true",
    "",
  ].join("\n"),
};

function where(object: JsonObject, path: FieldPath): string {
  const place = provenanceOf(object, path);
  if (!place) return "unknown";
  const { file, range } = locatePlace(place);
  return `${file}:${range.line}`;
}

describe("an overlay over a base", () => {
  const objects = render(FILES, "overlays/prod");
  const deployment = objects.find((object) => object.kind === "Deployment") as JsonObject;
  const configMap = objects.find((object) => object.kind === "ConfigMap") as JsonObject;

  // Expected output checked with `kubectl kustomize` (kustomize v5.5.0).
  test("renders what kustomize renders: namespace, prefix, hashed generator name and its reference, image, patch", () => {
    expect(objects.map((object) => `${String(object.kind)} ${JSON.stringify(object.metadata)}`)).toEqual([
      'ConfigMap {"name":"prod-settings-btf6f9dc9c","namespace":"prod"}',
      'Deployment {"name":"prod-web","namespace":"prod"}',
    ]);
    expect(configMap.data).toEqual({ MODE: "base" });
    const pod = (deployment.spec as JsonObject).template as JsonObject;
    expect(pod.spec).toEqual({
      hostPID: true,
      containers: [
        {
          name: "web",
          image: "nginx:1.27.1",
          envFrom: [{ configMapRef: { name: "prod-settings-btf6f9dc9c" } }],
          securityContext: { privileged: true },
        },
      ],
    });
  });

  test("a field a patch sets points at the patch", () => {
    expect(where(deployment, ["spec", "template", "spec", "hostPID"])).toBe("overlays/prod/debug-patch.yaml:8");
    expect(where(deployment, ["spec", "template", "spec", "containers", 0, "securityContext", "privileged"])).toBe(
      "overlays/prod/debug-patch.yaml:12",
    );
  });

  test("a field the base sets points at the base; one a transformer sets points at its kustomization entry", () => {
    expect(where(deployment, ["spec", "selector", "matchLabels", "app"])).toBe("base/deployment.yaml:8");
    expect(where(deployment, ["metadata", "namespace"])).toBe("overlays/prod/kustomization.yaml:1");
    expect(where(deployment, ["metadata", "name"])).toBe("overlays/prod/kustomization.yaml:2");
    expect(where(deployment, ["spec", "template", "spec", "containers", 0, "image"])).toBe("overlays/prod/kustomization.yaml:6");
  });

  test("a missing field resolves to its nearest ancestor", () => {
    expect(where(deployment, ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"])).toBe(
      "overlays/prod/debug-patch.yaml:11",
    );
  });

  test("the render reports the closure of files it read", () => {
    expect(renderKustomization(memoryFileSystem(FILES), "overlays/prod").files).toEqual([
      "base/deployment.yaml",
      "base/kustomization.yaml",
      "overlays/prod/debug-patch.yaml",
      "overlays/prod/kustomization.yaml",
    ]);
  });
});

describe("strategic merge follows the Kubernetes patch strategy", () => {
  const base = {
    "kustomization.yaml": "resources:\n- pod.yaml\npatches:\n- path: patch.yaml\n",
    "pod.yaml":
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a\n  - name: b\n    image: b\n  tolerations:\n  - key: dedicated\n",
  };

  test("containers merge by name, the patch's first; other lists are replaced", () => {
    const files = {
      ...base,
      "patch.yaml":
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: b\n    image: b2\n  tolerations:\n  - key: gpu\n",
    };
    const spec = render(files, "")[0]?.spec as JsonObject;
    expect(spec.containers).toEqual([
      { name: "b", image: "b2" },
      { name: "a", image: "a" },
    ]);
    expect(spec.tolerations).toEqual([{ key: "gpu" }]);
  });

  test("$patch: delete removes a container; null removes a field; $patch: replace replaces a map", () => {
    const files = {
      ...base,
      "patch.yaml":
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  tolerations: null\n  securityContext:\n    $patch: replace\n    runAsUser: 1\n  containers:\n  - name: a\n    $patch: delete\n",
    };
    const spec = render(files, "")[0]?.spec as JsonObject;
    expect(spec).toEqual({ containers: [{ name: "b", image: "b" }], securityContext: { runAsUser: 1 } });
  });

  test("a JSON 6902 patch applies to its target and its value points at the patch", () => {
    const files = {
      "kustomization.yaml":
        "resources:\n- pod.yaml\npatches:\n- target:\n    kind: Pod\n  patch: |-\n    - op: add\n      path: /spec/hostNetwork\n      value: true\n",
      "pod.yaml": base["pod.yaml"],
    };
    const pod = render(files, "")[0] as JsonObject;
    expect((pod.spec as JsonObject).hostNetwork).toBe(true);
    expect(where(pod, ["spec", "hostNetwork"])).toBe("kustomization.yaml:6");
  });
});

describe("what cannot be rendered is an error at its file and line", () => {
  test.each([
    [
      "helmCharts",
      { "kustomization.yaml": "helmCharts:\n- name: x\n  repo: https://example.invalid\n" },
      "kustomization.yaml",
      1,
      "helmCharts",
    ],
    [
      "a remote resource",
      { "kustomization.yaml": "resources:\n- https://github.com/org/repo//deploy?ref=v1\n" },
      "kustomization.yaml",
      2,
      "resources",
    ],
    [
      "a missing file",
      {
        "kustomization.yaml": "resources:\n- a.yaml\n- missing.yaml\n",
        "a.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\n",
      },
      "kustomization.yaml",
      3,
      "resources",
    ],
    ["an unknown field", { "kustomization.yaml": "resources: []\nfrobnicate: true\n" }, "kustomization.yaml", 2, "frobnicate"],
    [
      "an exec plugin",
      {
        "kustomization.yaml": "transformers:\n- plugin.yaml\n",
        "plugin.yaml": "apiVersion: example.com/v1\nkind: Sops\nmetadata:\n  name: x\n",
      },
      "plugin.yaml",
      1,
      "transformers",
    ],
    [
      "a patch without a target",
      {
        "kustomization.yaml": "resources:\n- a.yaml\npatches:\n- path: p.yaml\n",
        "a.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\n",
        "p.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: b\n",
      },
      "kustomization.yaml",
      4,
      "patches",
    ],
  ])("%s", (_name, files, file, line, feature) => {
    const error = renderError(files as Record<string, string>, "");
    expect({ file: error.file, line: error.line, feature: error.feature }).toEqual({ file, line, feature });
  });

  test("a file outside the kustomization's own tree is refused, as kustomize's load restrictor does", () => {
    const files = {
      "app/kustomization.yaml": "resources:\n- ../shared.yaml\n",
      "shared.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\n",
    };
    expect(renderError(files, "app").message).toContain("security; file 'shared.yaml' is not in or below 'app'");
    expect(renderKustomization(memoryFileSystem(files), "app", { loadRestrictor: "none" }).objects).toHaveLength(1);
  });

  test("a kustomization that includes its own ancestor is a cycle", () => {
    const files = { "kustomization.yaml": "resources:\n- child\n", "child/kustomization.yaml": "resources:\n- ..\n" };
    expect(renderError(files, "").message).toContain("cycle detected");
  });
});
