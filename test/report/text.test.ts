import { describe, expect, it } from "@jest/globals";
import { formatText } from "../../src/report/text.js";
import { emptyResult, sampleResult } from "./sample-result.js";

describe("text report", () => {
  it("prints one compiler-style line per finding and error, in file order, then the summary", () => {
    expect(formatText(sampleResult(), { color: false }).split("\n")).toEqual([
      'examples/apps/billing/deployment.yaml:29:11: warn allowed-repos/K8sAllowedRepos: container <billing> has an invalid image repo <docker.io/randomuser/miner:latest>, allowed repos are ["ghcr.io/example-org/"] (Deployment shop/billing, container "billing")',
      "examples/attacks/breakout-pod.yaml:6:3: deny pod-security-baseline/hostNamespaces: host namespaces (hostPID=true) (Pod default/r00t)",
      'examples/attacks/breakout-pod.yaml:15:7: deny pod-security-baseline/privileged: privileged (container "1" must not set securityContext.privileged=true) (Pod default/r00t, container "1")',
      "examples/broken.yaml:4:7: error: bad indentation of a mapping entry",
      'examples/cluster/namespaces.yaml:5:3: dryrun required-labels/K8sRequiredLabels: you must provide labels: {"owner"} (Namespace shop)',
      "4 files, 4 resources: 2 deny, 1 warn, 1 dryrun, 1 error",
      "",
    ]);
  });

  it("prints only the summary when there is nothing to report", () => {
    expect(formatText(emptyResult(), { color: false })).toBe("2 files, 3 resources: 0 deny, 0 warn, 0 dryrun, 0 errors\n");
  });

  it("uses singular nouns for one file, resource or error", () => {
    const result = { findings: [], errors: [], summary: { files: 1, resources: 1, deny: 0, warn: 0, dryrun: 0, errors: 1 } };
    expect(formatText(result, { color: false })).toBe("1 file, 1 resource: 0 deny, 0 warn, 0 dryrun, 1 error\n");
  });

  it("adds ANSI colours only when asked, without changing the text", () => {
    const plain = formatText(sampleResult(), { color: false });
    const colored = formatText(sampleResult(), { color: true });
    const ESC = "\u001b";
    expect(plain).not.toContain(ESC);
    expect(colored).toContain(`${ESC}[1m${ESC}[31mdeny${ESC}[0m`);
    expect(colored.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "")).toBe(plain);
  });
});
