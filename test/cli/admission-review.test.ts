/**
 * `kube-policy-bot check` on an AdmissionReview file, as `gator verify` would judge it: the object
 * under review is request.object, findings land on its lines inside the review, and the request's
 * operation counts (an UPDATE is exempt from the templates that exempt it).
 */
import { describe, expect, it } from "@jest/globals";
import { runCli, scratchDirectory } from "./run-cli.js";

interface JsonFinding {
  policy: string;
  rule: string;
  action: string;
  file: string;
  line: number;
  path: string;
  resource: { kind: string; namespace: string | null; name: string };
}

const review = (operation: string): string => `apiVersion: admission.k8s.io/v1
kind: AdmissionReview
request:
  uid: 0df28fbd-5f5f-11e8-a0b1-42010a800002
  operation: ${operation}
  namespace: shop
  userInfo: {username: alice}
  object:
    apiVersion: v1
    kind: Pod
    metadata:
      name: debug
      namespace: shop
    spec:
      containers:
      - name: shell
        image: busybox:1.36
        securityContext:
          privileged: true
`;
/** `privileged: true` above. */
const PRIVILEGED_LINE = 19;

const PSP_PRIVILEGED = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata:
  name: no-privileged
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
`;

const scratch = scratchDirectory("kpb-review-");
const scratchFile = scratch.file;

describe("check on an AdmissionReview file", () => {
  it("reports the privileged Pod of a CREATE review on its privileged line, in text and json", async () => {
    const file = await scratchFile("create-review.yaml", review("CREATE"));
    const text = await runCli(["check", file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      new RegExp(
        `create-review\\.yaml:${PRIVILEGED_LINE}:\\d+: deny pod-security-baseline/privileged: .+ \\(Pod shop/debug, container "shell"; namespace shop not found: default enforce=baseline:latest \\(policy parameters\\)\\)$`,
        "m",
      ),
    );

    const json = await runCli(["check", "--format", "json", file]);
    expect(json.code).toBe(1);
    const findings = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.policy === "pod-security-baseline")).toEqual([
      expect.objectContaining({
        rule: "privileged",
        action: "deny",
        line: PRIVILEGED_LINE,
        path: "spec.containers[0].securityContext.privileged",
        resource: expect.objectContaining({ kind: "Pod", namespace: "shop", name: "debug" }),
      }),
    ]);
  });

  it("judges the request's operation: a Gatekeeper PSP constraint denies the CREATE and exempts the UPDATE", async () => {
    const policy = await scratchFile("psp-privileged.yaml", PSP_PRIVILEGED);
    const created = await runCli(["check", "--format", "json", "--policies", policy, await scratchFile("create.yaml", review("CREATE"))]);
    expect(created.code).toBe(1);
    expect((JSON.parse(created.stdout) as { findings: JsonFinding[] }).findings).toEqual([
      expect.objectContaining({ policy: "no-privileged", rule: "K8sPSPPrivilegedContainer", line: PRIVILEGED_LINE }),
    ]);

    const updated = await runCli(["check", "--format", "json", "--policies", policy, await scratchFile("update.yaml", review("UPDATE"))]);
    expect(updated.stderr).toBe("");
    expect(updated.code).toBe(0);
    expect((JSON.parse(updated.stdout) as { findings: JsonFinding[] }).findings).toEqual([]);
  });

  it("fails closed on a review gator would refuse, with its line", async () => {
    const file = await scratchFile("broken-review.yaml", review("CREATE").replace("  object:", "  objcet:"));
    const { code, stdout } = await runCli(["check", file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/broken-review\.yaml:8:3: error: document 1: unknown field "objcet" in request/);
  });
});
