import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";

const policies = (...documents: string[]) => {
  const { policies: loaded, errors } = loadPolicies(documents.map((content, i) => ({ file: `p${i}.yaml`, content })));
  expect(errors).toEqual([]);
  return loaded;
};
const pss = (name: string, level: string, action: string, extra = "") => `apiVersion: kube-policy-bot.dev/v1
kind: PodSecurity
metadata:
  name: ${name}
spec:
  enforcementAction: ${action}
${extra}  parameters:
    level: ${level}
`;
const check = (file: string, content: string, ...documents: string[]) =>
  evaluate([loadManifestFile(file, content)], policies(...documents));

const deployment = (containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
${containers}`;
const privileged = `      - name: app
        image: nginx
        securityContext:
          privileged: true
`;

describe("evaluate", () => {
  it("reports a Deployment's pod template findings on the Deployment's own lines and paths", () => {
    const result = check("web.yaml", deployment(privileged), pss("baseline", "baseline", "deny"));
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      policy: "baseline",
      rule: "privileged",
      action: "deny",
      file: "web.yaml",
      line: 15,
      column: 11,
      path: "spec.template.spec.containers[0].securityContext.privileged",
      container: "app",
      resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" },
    });
    expect(result.summary).toEqual({ files: 1, resources: 1, deny: 1, warn: 0, dryrun: 0, errors: 0 });
  });

  it("one problem reported by two PodSecurity levels is shown once, at the stricter action", () => {
    const result = check("web.yaml", deployment(privileged), pss("restricted", "restricted", "warn"), pss("baseline", "baseline", "deny"));
    const onPrivileged = result.findings.filter((f) => f.rule === "privileged");
    expect(onPrivileged.map((f) => [f.policy, f.action])).toEqual([["baseline", "deny"]]);
    expect(result.findings.some((f) => f.policy === "restricted" && f.rule === "runAsNonRoot")).toBe(true);
  });

  it("match decides what is judged: excluded namespaces are skipped", () => {
    const result = check(
      "web.yaml",
      deployment(privileged),
      pss("baseline", "baseline", "deny", "  match:\n    excludedNamespaces: [shop]\n"),
    );
    expect(result.findings).toEqual([]);
  });

  it("a pod field of the wrong type is a blocking input error on its line", () => {
    const result = check(
      "web.yaml",
      deployment(privileged.replace("privileged: true", 'privileged: "true"')),
      pss("baseline", "baseline", "deny"),
    );
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([
      {
        file: "web.yaml",
        line: 15,
        column: 11,
        message:
          'spec.template.spec.containers[0].securityContext.privileged must be true or false, not the string "true": the API server rejects this Deployment shop/web',
      },
    ]);
    expect(result.summary.errors).toBe(1);
  });

  it("a finding's fingerprint follows its content, not its position", () => {
    const policy = pss("baseline", "baseline", "deny");
    const before = check("web.yaml", deployment(privileged), policy).findings[0]?.fingerprint;
    const sidecarFirst = check("web.yaml", deployment(`      - name: sidecar\n        image: envoy\n${privileged}`), policy).findings[0];
    expect(sidecarFirst?.path).toBe("spec.template.spec.containers[1].securityContext.privileged");
    expect(sidecarFirst?.fingerprint).toBe(before);
    const hostPath = (path: string) =>
      check(
        "ds.yaml",
        deployment(`      - name: app\n        image: x\n      volumes:\n      - name: logs\n        hostPath: {path: ${path}}\n`),
        policy,
      ).findings[0]?.fingerprint;
    expect(hostPath("/var/log")).toBeDefined();
    expect(hostPath("/var/log")).not.toBe(hostPath("/etc"));
  });

  it("manifest errors are kept and counted", () => {
    const files = [
      loadManifestFile("bad.yaml", "kind: Pod\nmetadata: [\n"),
      loadManifestFile("ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
    ];
    const result = evaluate(files, policies(pss("baseline", "baseline", "deny")));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.file).toBe("bad.yaml");
    expect(result.summary).toMatchObject({ files: 2, resources: 1, errors: 1 });
  });
});
