/**
 * Custom resources that create pods: their pod templates are judged like a Deployment's, each pod on
 * its own, findings on the template's lines; an unknown kind that looks like it makes pods is noticed.
 */
import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { WELL_KNOWN_POD_TEMPLATE_KINDS, withConfiguredKinds } from "../../src/manifests/pod-templates.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { lines } from "../manifests/support.js";

const baseline = loadPolicies([
  {
    file: "baseline.yaml",
    content: "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata: {name: baseline}\nspec:\n  parameters: {level: baseline}\n",
  },
]).policies;

const judge = (text: string, options = {}) => {
  const file = loadManifestFile("cr.yaml", text);
  expect(file.errors).toEqual([]);
  const result = evaluate([file], baseline, options);
  return {
    findings: result.findings.map((finding) => `${finding.line}:${finding.path}`),
    notices: (result.notices ?? []).map((notice) => `${notice.line}:${notice.message}`),
  };
};

const privileged = "securityContext: {privileged: true}";

describe("pod-creating custom resources", () => {
  it("an Argo Rollout's template", () => {
    const text = lines(
      "apiVersion: argoproj.io/v1alpha1",
      "kind: Rollout",
      "metadata: {name: r}",
      "spec:",
      "  template:",
      "    spec:",
      `      containers: [{name: a, image: nginx, ${privileged}}]`,
    );
    expect(judge(text).findings).toEqual(["7:spec.template.spec.containers[0].securityContext.privileged"]);
  });

  it("every replicated job of a JobSet and every task of a Volcano Job, each on its own lines", () => {
    const jobSet = lines(
      "apiVersion: jobset.x-k8s.io/v1alpha2",
      "kind: JobSet",
      "metadata: {name: j}",
      "spec:",
      "  replicatedJobs:",
      "  - template: {spec: {template: {spec: {containers: [{name: a, image: x}]}}}}",
      "  - template: {spec: {template: {spec: {hostPID: true, containers: [{name: b, image: x}]}}}}",
    );
    expect(judge(jobSet).findings).toEqual(["7:spec.replicatedJobs[1].template.spec.template.spec.hostPID"]);
    const volcano = lines(
      "apiVersion: batch.volcano.sh/v1alpha1",
      "kind: Job",
      "metadata: {name: v}",
      "spec:",
      "  tasks:",
      "  - template: {spec: {hostNetwork: true, containers: [{name: a, image: x}]}}",
    );
    expect(judge(volcano).findings).toEqual(["6:spec.tasks[0].template.spec.hostNetwork"]);
  });

  it("an Argo Workflow's templates: container, script and sidecars, under the workflow's pod settings", () => {
    const text = lines(
      "apiVersion: argoproj.io/v1alpha1", // 1
      "kind: Workflow", // 2
      "metadata: {generateName: w-}", // 3
      "spec:", // 4
      "  hostNetwork: true", // 5
      "  volumes: [{name: root, hostPath: {path: /}}]", // 6
      "  templates:", // 7
      "  - name: build", // 8
      `    container: {image: golang, ${privileged}}`, // 9
      "  - name: run", // 10
      "    script: {image: python, source: print(1)}", // 11
      `    sidecars: [{name: s, image: x, ${privileged}}]`, // 12
    );
    const { findings } = judge(text);
    expect(findings).toEqual(
      expect.arrayContaining([
        "9:spec.templates[0].container.securityContext.privileged",
        "12:spec.templates[1].sidecars[0].securityContext.privileged",
        "5:spec.hostNetwork",
        "6:spec.volumes[0].hostPath",
      ]),
    );
  });

  it("a Tekton TaskRun's steps, under its pod template", () => {
    const text = lines(
      "apiVersion: tekton.dev/v1",
      "kind: TaskRun",
      "metadata: {name: t}",
      "spec:",
      "  podTemplate: {hostNetwork: true}",
      "  taskSpec:",
      "    steps:",
      `    - {name: build, image: golang, ${privileged}}`,
    );
    expect(judge(text).findings).toEqual(["5:spec.podTemplate.hostNetwork", "8:spec.taskSpec.steps[0].securityContext.privileged"]);
  });

  it("a kind of the same name in another group is not judged as the well-known one", () => {
    const text = lines("apiVersion: example.com/v1", "kind: Rollout", "metadata: {name: r}", "spec: {template: {spec: {hostPID: true}}}");
    expect(judge(text).findings).toEqual([]);
  });

  it("an unknown kind with containers holding images under spec gets a notice; configured, it is judged", () => {
    const text = lines(
      "apiVersion: example.com/v1",
      "kind: Runner",
      "metadata: {name: r}",
      "spec:",
      "  jobs:",
      "  - podSpec:",
      `      containers: [{name: a, image: x, ${privileged}}]`,
    );
    const unknown = judge(text);
    expect(unknown.findings).toEqual([]);
    expect(unknown.notices).toEqual([
      "7:spec.jobs.0.podSpec.containers looks like a pod template (containers with images), but kube-policy-bot does not know how Runner (example.com/v1) creates pods, so they were not judged; add the kind to the organisation's config (podTemplates: apiVersion, kind, podTemplatePaths) to judge it",
    ]);
    const configured = judge(text, {
      podTemplateKinds: withConfiguredKinds([{ apiVersion: "example.com/v9", kind: "Runner", podTemplatePaths: ["spec.jobs[*].podSpec"] }]),
    });
    expect(configured.notices).toEqual([]);
    expect(configured.findings).toEqual([]); // podSpec is not a PodTemplateSpec: the paths name templates ({metadata, spec})
    const asTemplate = judge(text.replace("  - podSpec:\n      containers", "  - pod:\n      spec:\n        containers"), {
      podTemplateKinds: withConfiguredKinds([{ apiVersion: "example.com/v9", kind: "Runner", podTemplatePaths: ["spec.jobs[*].pod"] }]),
    });
    expect(asTemplate.findings).toEqual(["8:spec.jobs[0].pod.spec.containers[0].securityContext.privileged"]);
  });

  it("the table covers the kinds the README lists", () => {
    const names = WELL_KNOWN_POD_TEMPLATE_KINDS.map((kind) => `${kind.group}/${kind.kind}`);
    for (const expected of [
      "argoproj.io/Rollout",
      "argoproj.io/CronWorkflow",
      "apps.kruise.io/CloneSet",
      "keda.sh/ScaledJob",
      "serving.knative.dev/Service",
      "tekton.dev/PipelineRun",
    ]) {
      expect(names).toContain(expected);
    }
  });
});

describe("kinds and names that are Object's own properties", () => {
  it.each(["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty"])(
    "kind: %s is an ordinary object, and the Pod beside it is judged",
    (kind) => {
      const text = lines(
        `apiVersion: apps/v1`,
        `kind: ${kind}`,
        `metadata: {name: ${kind}, labels: {${kind}: x}}`,
        `spec: {${kind}: 1, template: {spec: {containers: [{name: ${kind}, image: x}]}}}`,
        "---",
        "apiVersion: v1",
        "kind: Pod",
        `metadata: {name: p, namespace: ${kind}}`,
        `spec: {containers: [{name: ${kind}, image: x, ${privileged}}]}`,
      );
      expect(judge(text).findings).toEqual(["9:spec.containers[0].securityContext.privileged"]);
    },
  );
});
