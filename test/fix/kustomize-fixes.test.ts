/**
 * Fixes of objects rendered by Kustomize are made where the value comes from (a patch, a base, the
 * file that defines the container), or the finding stays flagged only with the reason. Every fix is
 * checked as the user would see it: the edited repository rendered again, the finding gone, nothing
 * else of any root's output changed.
 */
import { describe, expect, it } from "@jest/globals";
import { loadPolicies } from "../../src/config/policy-files.js";
import { fixFiles } from "../../src/fix/files.js";
import type { JsonObject } from "../../src/manifests/types.js";
import { evaluate } from "../../src/policy/engine.js";
import type { Finding, Policy } from "../../src/policy/types.js";
import { memoryFileSystem } from "../../src/render/kustomize/index.js";
import { renderKustomizeRoots } from "../../src/render/kustomize-roots.js";

const POLICY = `apiVersion: kube-policy-bot.dev/v1
kind: PodSecurity
metadata: {name: restricted}
spec:
  parameters: {level: restricted, version: latest}
`;

function policies(): Policy[] {
  const loaded = loadPolicies([{ file: "policy.yaml", content: POLICY }]);
  expect(loaded.errors).toEqual([]);
  return loaded.policies;
}

function judge(files: Record<string, string>): { findings: Finding[]; objects: Map<string, JsonObject[]> } {
  const rendered = renderKustomizeRoots(memoryFileSystem(files), Object.keys(files), { fixes: true });
  expect(rendered.files.flatMap((file) => file.errors)).toEqual([]);
  const objects = new Map(
    rendered.files.map((file) => [file.manifests[0]?.renderedIn ?? file.file, file.manifests.map((manifest) => manifest.object)]),
  );
  return { findings: evaluate(rendered.files, policies()).findings, objects };
}

/** Every fix of one rule applied (as `check --fix` would), and the repository judged again. */
function fixRule(
  files: Record<string, string>,
  rule: string,
): { files: Record<string, string>; before: Finding[]; after: Finding[]; changed: string[] } {
  const before = judge(files).findings.filter((finding) => finding.rule === rule);
  const outcome = fixFiles(new Map(Object.entries(files)), before);
  expect(outcome.refused).toEqual([]);
  const fixed = { ...files, ...Object.fromEntries(outcome.texts) };
  return {
    files: fixed,
    before,
    after: judge(fixed).findings.filter((finding) => finding.rule === rule),
    changed: [...outcome.texts.keys()],
  };
}

const BASE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: web
        image: nginx:1.27
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
`;

const base = (deployment = BASE_DEPLOYMENT): Record<string, string> => ({
  "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
  "base/deployment.yaml": deployment,
});

const PRIVILEGED_PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        securityContext:
          privileged: true   # debugging, remove before merge
`;

describe("a fix is made where the value comes from", () => {
  it("a value a strategic-merge patch sets is fixed in the patch, the base is not touched", () => {
    const files = {
      ...base(),
      "overlays/prod/kustomization.yaml": "resources:\n- ../../base\npatches:\n- path: privileged.yaml\n",
      "overlays/prod/privileged.yaml": PRIVILEGED_PATCH,
    };
    const { before, after, changed, files: fixed } = fixRule(files, "privileged");
    expect(before.map((finding) => [finding.file, finding.line, finding.fix?.file])).toEqual([
      ["overlays/prod/privileged.yaml", 11, "overlays/prod/privileged.yaml"],
    ]);
    expect(after).toEqual([]);
    expect(changed).toEqual(["overlays/prod/privileged.yaml"]);
    expect(fixed["overlays/prod/privileged.yaml"]).toBe(PRIVILEGED_PATCH.replace("privileged: true", "privileged: false"));
  });

  it("a value of the base is fixed in the base; a field the fix adds goes into the file that defines the container", () => {
    const deployment = BASE_DEPLOYMENT.replace("          allowPrivilegeEscalation: false\n", "").replace(
      "      securityContext:\n        runAsNonRoot: true\n",
      "      hostPID: true\n      securityContext:\n        runAsNonRoot: true\n",
    );
    const files = {
      ...base(deployment),
      "overlays/prod/kustomization.yaml": "resources:\n- ../../base\nimages:\n- name: nginx\n  newTag: 1.27.1\n",
    };
    const host = fixRule(files, "hostNamespaces");
    expect(host.changed).toEqual(["base/deployment.yaml"]);
    expect(host.after).toEqual([]);
    expect(host.files["base/deployment.yaml"]).toBe(deployment.replace("hostPID: true", "hostPID: false"));
    const escalation = fixRule(files, "allowPrivilegeEscalation");
    expect(escalation.changed).toEqual(["base/deployment.yaml"]);
    expect(escalation.after).toEqual([]);
    expect(escalation.files["base/deployment.yaml"]).toContain(
      "          capabilities: {drop: [ALL]}\n          allowPrivilegeEscalation: false\n",
    );
  });

  it("a field added under a container the patch defines goes into the patch", () => {
    const patch = PRIVILEGED_PATCH.replace(
      "        securityContext:\n          privileged: true   # debugging, remove before merge\n",
      "        env: [{name: MODE, value: debug}]\n",
    );
    const sidecar = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: debug\n        image: busybox:1.36\n        securityContext:\n          capabilities: {drop: [ALL]}\n`;
    const files = {
      ...base(),
      "overlays/prod/kustomization.yaml": "resources:\n- ../../base\npatches:\n- path: env.yaml\n- path: sidecar.yaml\n",
      "overlays/prod/env.yaml": patch,
      "overlays/prod/sidecar.yaml": sidecar,
    };
    const { changed, after, files: fixed } = fixRule(files, "allowPrivilegeEscalation");
    expect(changed).toEqual(["overlays/prod/sidecar.yaml"]);
    expect(after).toEqual([]);
    expect(fixed["overlays/prod/sidecar.yaml"]).toBe(`${sidecar}          allowPrivilegeEscalation: false\n`);
  });

  it("a value an inline patch sets is fixed in the patch's text, in the kustomization, in its block style", () => {
    const inline = `resources:\n- ../../base\npatches:\n- patch: |-\n${PRIVILEGED_PATCH.trimEnd().replace(/^/gm, "    ")}\n  target: {kind: Deployment}\n`;
    const files = { ...base(), "overlays/prod/kustomization.yaml": inline };
    const { before, after, changed, files: fixed } = fixRule(files, "privileged");
    expect(before.map((finding) => [finding.file, finding.fix?.file])).toEqual([
      ["overlays/prod/kustomization.yaml", "overlays/prod/kustomization.yaml"],
    ]);
    expect(after).toEqual([]);
    expect(changed).toEqual(["overlays/prod/kustomization.yaml"]);
    expect(fixed["overlays/prod/kustomization.yaml"]).toBe(inline.replace("privileged: true", "privileged: false"));
    // A field the fix adds at the end of the inline text.
    const sidecar = `resources:\n- ../../base\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      template:\n        spec:\n          containers:\n          - name: debug\n            image: busybox:1.36\n            securityContext:\n              capabilities: {drop: [ALL]}\n`;
    const added = fixRule({ ...base(), "overlays/prod/kustomization.yaml": sidecar }, "allowPrivilegeEscalation");
    expect(added.after).toEqual([]);
    expect(added.files["overlays/prod/kustomization.yaml"]).toBe(`${sidecar}              allowPrivilegeEscalation: false\n`);
  });

  it("a base two roots render the same way is fixed once, for both", () => {
    const deployment = BASE_DEPLOYMENT.replace(
      "        image: nginx:1.27\n",
      "        image: nginx:1.27\n        ports: [{containerPort: 80, hostPort: 80}]\n",
    );
    const files = {
      ...base(deployment),
      "dev/kustomization.yaml": "resources:\n- ../base\nnamePrefix: dev-\n",
      "prod/kustomization.yaml": "resources:\n- ../base\nnamespace: prod\n",
    };
    const { before, after, changed } = fixRule(files, "hostPorts");
    expect(before.map((finding) => finding.resource.renderedIn)).toEqual([["dev", "prod"]]);
    expect(changed).toEqual(["base/deployment.yaml"]);
    expect(after).toEqual([]);
  });
});

describe("where no place is safe, the finding is flagged only, with the reason", () => {
  const unfixable = (files: Record<string, string>, rule: string): (string | undefined)[] =>
    judge(files)
      .findings.filter((finding) => finding.rule === rule)
      .map((finding) => (finding.fix ? "FIXED" : finding.fixUnavailable));

  it("a value set by a JSON 6902 patch operation", () => {
    const ops = "- op: add\n  path: /spec/template/spec/containers/0/securityContext/privileged\n  value: true\n";
    const files = {
      ...base(),
      "overlays/prod/kustomization.yaml": "resources:\n- ../../base\npatches:\n- path: ops.yaml\n  target: {kind: Deployment, name: web}\n",
      "overlays/prod/ops.yaml": ops,
    };
    expect(unfixable(files, "privileged")).toEqual([expect.stringContaining("JSON 6902 patch operation at overlays/prod/ops.yaml:3")]);
  });

  it("a base another root renders differently: the edit would change that root in another way", () => {
    // prod puts a sidecar first, so the base's container is containers[1] there and containers[0] in dev.
    const deployment = BASE_DEPLOYMENT.replace(
      "          allowPrivilegeEscalation: false\n",
      "          allowPrivilegeEscalation: false\n          privileged: true\n",
    );
    const sidecar = "- op: add\n  path: /spec/template/spec/containers/0\n  value: {name: proxy, image: envoy:1.30}\n";
    const files = {
      ...base(deployment),
      "dev/kustomization.yaml": "resources:\n- ../base\n",
      "prod/kustomization.yaml": "resources:\n- ../base\npatches:\n- path: sidecar.yaml\n  target: {kind: Deployment}\n",
      "prod/sidecar.yaml": sidecar,
    };
    // One finding per root (the field sits at different paths); each fix would change the other root otherwise.
    expect(unfixable(files, "privileged").sort()).toEqual([
      "editing base/deployment.yaml would also change Deployment web in dev, which renders it too",
      "editing base/deployment.yaml would also change Deployment web in prod, which renders it too",
    ]);
  });

  it("a base another root does not show the field of is fixed for the root that does", () => {
    // prod's patch replaces the container's securityContext: the base's field shows only in dev.
    const deployment = BASE_DEPLOYMENT.replace(
      "          allowPrivilegeEscalation: false\n",
      "          allowPrivilegeEscalation: false\n          privileged: true\n",
    );
    const hardened = PRIVILEGED_PATCH.replace(
      "          privileged: true   # debugging, remove before merge\n",
      "          $patch: replace\n          allowPrivilegeEscalation: false\n          capabilities: {drop: [ALL]}\n",
    );
    const files = {
      ...base(deployment),
      "dev/kustomization.yaml": "resources:\n- ../base\n",
      "prod/kustomization.yaml": "resources:\n- ../base\npatches:\n- path: hardened.yaml\n",
      "prod/hardened.yaml": hardened,
    };
    const { before, after, changed } = fixRule(files, "privileged");
    expect(before.map((finding) => finding.resource.renderedIn)).toEqual([["dev"]]);
    expect(changed).toEqual(["base/deployment.yaml"]);
    expect(after).toEqual([]);
  });
});
