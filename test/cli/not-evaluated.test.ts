/** `check --not-evaluated`: the organisation's `policies.notEvaluated`, offline. */
import { describe, expect, it } from "@jest/globals";
import { parseArgs } from "../../src/cli/args.js";
import { AUDIT_LOOKUP_POLICY, SHOP_POD } from "../fixtures/not-evaluated.js";
import { runCli, scratchDirectory } from "./run-cli.js";

const scratch = scratchDirectory("kpb-not-evaluated-");

describe("kube-policy-bot check --not-evaluated", () => {
  it("reads deny, warn or dryrun, in both spellings; anything else is a usage error", () => {
    expect(parseArgs(["check", "--not-evaluated", "deny", "k8s"])).toMatchObject({ command: "check", notEvaluated: "deny" });
    expect(parseArgs(["check", "--not-evaluated=dryrun", "k8s"])).toMatchObject({ notEvaluated: "dryrun" });
    expect(parseArgs(["check", "k8s"])).not.toHaveProperty("notEvaluated");
    expect(parseArgs(["check", "--not-evaluated", "block", "k8s"])).toEqual({
      command: "usage-error",
      message: 'unknown --not-evaluated "block": expected one of deny, warn, dryrun',
    });
    expect(parseArgs(["check", "k8s", "--not-evaluated"])).toEqual({
      command: "usage-error",
      message: "--not-evaluated needs a value: deny, warn, dryrun",
    });
  });

  it("a rule an Audit policy cannot judge offline warns by default and blocks with --not-evaluated deny, saying why", async () => {
    await scratch.file("policies/quota.yaml", AUDIT_LOOKUP_POLICY);
    await scratch.file("manifests/web.yaml", SHOP_POD);
    const cwd = scratch.path();
    const plain = await runCli(["check", "--policies", "policies", "manifests"], { cwd });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/manifests\/web\.yaml:1:1: warn namespace-quota\/has-quota: not evaluated: needs a cluster/);

    const strict = await runCli(["check", "--not-evaluated", "deny", "--policies", "policies", "manifests"], { cwd });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/manifests\/web\.yaml:1:1: deny namespace-quota\/has-quota: not evaluated: needs a cluster/);
    expect(strict.stdout).toMatch(/deny set by --not-evaluated/);
  });

  it("the usage text lists the option", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--not-evaluated ACTION/);
  });
});
