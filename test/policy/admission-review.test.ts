/**
 * Objects read from an AdmissionReview are judged under their request, as gator and Gatekeeper
 * judge them: the templates that exempt UPDATEs exempt them, a DELETE is judged on the object being
 * deleted, a request matches by its object or its oldObject in the request's namespace, and Pod
 * Security evaluates only what PSA evaluates. A plain manifest stays a CREATE, unchanged.
 */
import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import type { Finding } from "../../src/policy/types.js";
import { check, constraint, deployment, messages, pod } from "./gatekeeper/pipeline.js";

const indent = (text: string, by: string): string => text.trimEnd().replace(/^/gm, by);

/** An AdmissionReview of `operation` around `object` (and `oldObject`), with extra request fields. */
function review(operation: string, object: string | undefined, oldObject?: string, extra = ""): string {
  return [
    "apiVersion: admission.k8s.io/v1",
    "kind: AdmissionReview",
    "request:",
    `  operation: ${operation}`,
    ...(extra ? [indent(extra, "  ")] : []),
    ...(object ? ["  object:", indent(object, "    ")] : []),
    ...(oldObject ? ["  oldObject:", indent(oldObject, "    ")] : []),
    "",
  ].join("\n");
}

const PRIVILEGED = pod("containers:\n- name: c\n  image: nginx\n  securityContext: {privileged: true}");
const PLAIN = pod("containers:\n- name: c\n  image: nginx");
const privilegedContainer = constraint("K8sPSPPrivilegedContainer", "");

const byRule = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.rule} ${f.path} ${f.message}`);

describe("a manifest is a CREATE, and judged exactly as before", () => {
  it("a plain manifest and a CREATE review of it give the same findings, each on its own lines", () => {
    const policies = loadPolicies([
      {
        file: "policies/baseline.yaml",
        content:
          "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata: {name: baseline}\nspec:\n  parameters: {level: baseline}\n",
      },
    ]);
    const gatekeeper = loadPolicies([{ file: "policies/psp.yaml", content: privilegedContainer }]);
    const all = [...policies.policies, ...gatekeeper.policies];
    const plain = evaluate([loadManifestFile("pod.yaml", PRIVILEGED)], all).findings;
    const created = evaluate([loadManifestFile("review.yaml", review("CREATE", PRIVILEGED))], all).findings;
    expect(byRule(plain)).toEqual([
      expect.stringMatching(/^privileged spec\.containers\[0\]\.securityContext\.privileged /),
      'K8sPSPPrivilegedContainer spec.containers[0].securityContext.privileged Privileged container is not allowed: c, securityContext: {"privileged": true}',
    ]);
    expect(byRule(created)).toEqual(byRule(plain));
    // `privileged: true` sits on line 9 of the pod, and line 14 of the review (5 lines of envelope before it).
    expect(plain.map((f) => f.line)).toEqual([9, 9]);
    expect(created.map((f) => f.line)).toEqual([14, 14]);
    expect(created[0]?.resource).toEqual({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "app" });
  });
});

describe("Gatekeeper templates that exempt UPDATE (`not is_update(input.review)`)", () => {
  it("judge a CREATE review, and not an UPDATE review, of the same privileged Pod", () => {
    expect(messages(check(privilegedContainer, { "r.yaml": review("CREATE", PRIVILEGED) }))).toHaveLength(1);
    expect(check(privilegedContainer, { "r.yaml": review("UPDATE", PRIVILEGED) })).toEqual([]);
    expect(check(privilegedContainer, { "r.yaml": review("UPDATE", PRIVILEGED, PRIVILEGED) })).toEqual([]);
  });

  it("still judge the Pods an updated Deployment will create: Gatekeeper reviews expanded Pods with no operation", () => {
    const privilegedDeployment = deployment("containers:\n- name: c\n  image: nginx\n  securityContext: {privileged: true}");
    const findings = check(privilegedContainer, { "r.yaml": review("UPDATE", privilegedDeployment, privilegedDeployment) });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      path: "spec.template.spec.containers[0].securityContext.privileged",
      resource: { kind: "Deployment", name: "web" },
    });
    // A constraint on the Deployment kind itself judges the Deployment's own UPDATE, which the template exempts.
    const onDeployments = constraint("K8sPSPPrivilegedContainer", "", 'kinds: [{apiGroups: ["apps"], kinds: ["Deployment"]}]');
    expect(check(onDeployments, { "r.yaml": review("UPDATE", privilegedDeployment) })).toEqual([]);
    expect(check(onDeployments, { "r.yaml": review("CREATE", privilegedDeployment) })).toHaveLength(1);
  });

  it("do not change templates without the exemption: an UPDATE is judged like a CREATE", () => {
    const tags = constraint("K8sDisallowedTags", "tags: [latest]");
    const latest = pod("containers:\n- name: c\n  image: nginx:latest");
    expect(messages(check(tags, { "r.yaml": review("UPDATE", latest) }))).toEqual([
      'container <c> uses a disallowed tag <nginx:latest>; disallowed tags are ["latest"]',
    ]);
  });
});

describe("a DELETE is judged on the object being deleted (gator's SetObjectOnDelete)", () => {
  it("a Gatekeeper template judges request.oldObject, and the finding points inside it", () => {
    const findings = check(privilegedContainer, { "r.yaml": review("DELETE", undefined, PRIVILEGED) });
    expect(findings).toHaveLength(1);
    // The oldObject starts on line 6, so its `privileged: true` (line 9 of the pod) is line 14.
    expect(findings[0]).toMatchObject({
      line: 14,
      path: "spec.containers[0].securityContext.privileged",
      resource: { kind: "Pod", name: "app" },
    });
  });

  it("deleting a workload creates no Pods: a constraint on Pod does not judge its template", () => {
    const privilegedDeployment = deployment("containers:\n- name: c\n  image: nginx\n  securityContext: {privileged: true}");
    expect(check(privilegedContainer, { "r.yaml": review("DELETE", undefined, privilegedDeployment) })).toEqual([]);
  });
});

describe("matching a request", () => {
  it("matches by the object or the oldObject: an UPDATE that removes the selected label is still judged", () => {
    const tags = constraint("K8sDisallowedTags", "tags: [latest]", "labelSelector: {matchLabels: {tier: web}}");
    const latest = (labels: string): string => pod("containers:\n- name: c\n  image: nginx:latest", `name: app\nlabels: {${labels}}`);
    expect(check(tags, { "r.yaml": review("UPDATE", latest("tier: batch"), latest("tier: web")) })).toHaveLength(1);
    expect(check(tags, { "r.yaml": review("UPDATE", latest("tier: batch"), latest("tier: batch")) })).toEqual([]);
  });

  it("in the namespace of the request, when it names one", () => {
    const tags = constraint("K8sDisallowedTags", "tags: [latest]", 'kinds: [{apiGroups: [""], kinds: ["Pod"]}]\n    namespaces: [prod]');
    const latest = pod("containers:\n- name: c\n  image: nginx:latest");
    expect(check(tags, { "r.yaml": review("CREATE", latest, undefined, "namespace: prod") })).toHaveLength(1);
    expect(check(tags, { "r.yaml": review("CREATE", latest, undefined, "namespace: dev") })).toEqual([]);
  });
});

describe("Pod Security evaluates what Pod Security admission evaluates", () => {
  const baseline = loadPolicies([
    {
      file: "baseline.yaml",
      content:
        "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata: {name: baseline}\nspec:\n  parameters: {level: baseline}\n",
    },
  ]).policies;
  const judge = (content: string): string[] => evaluate([loadManifestFile("r.yaml", content)], baseline).findings.map((f) => f.rule);
  const privilegedWithImage = (image: string): string =>
    pod(`containers:\n- name: c\n  image: ${image}\n  securityContext: {privileged: true}`);

  it("CREATE, and UPDATE that changes an image (isSignificantPodUpdate)", () => {
    expect(judge(review("CREATE", PRIVILEGED))).toEqual(["privileged"]);
    expect(judge(review("UPDATE", privilegedWithImage("nginx:2"), privilegedWithImage("nginx:1")))).toEqual(["privileged"]);
  });

  it("not an UPDATE of a Pod that changes nothing a running Pod can change (labels, say)", () => {
    const relabelled = pod("containers:\n- name: c\n  image: nginx\n  securityContext: {privileged: true}", "name: app\nlabels: {v: '2'}");
    expect(judge(review("UPDATE", relabelled, PRIVILEGED))).toEqual([]);
    // Without the old Pod nothing shows the update is harmless.
    expect(judge(review("UPDATE", relabelled))).toEqual(["privileged"]);
  });

  it("every UPDATE of a workload, and never a DELETE", () => {
    const privilegedDeployment = deployment("containers:\n- name: c\n  image: nginx\n  securityContext: {privileged: true}");
    expect(judge(review("UPDATE", privilegedDeployment, privilegedDeployment))).toEqual(["privileged"]);
    expect(judge(review("DELETE", undefined, PRIVILEGED))).toEqual([]);
    expect(judge(review("DELETE", undefined, privilegedDeployment))).toEqual([]);
    expect(judge(PLAIN)).toEqual([]);
  });
});
