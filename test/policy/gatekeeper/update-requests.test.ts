/**
 * The library kinds that read the request around the object: the UPDATE exemptions, pinned to each
 * template's Rego, and NoUpdateServiceAccount, which judges only UPDATEs with their oldObject and
 * userInfo.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gatekeeperLibrary } from "../../../src/policy/gatekeeper/index.js";
import { check, constraint, deployment, messages, pod } from "./pipeline.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/gatekeeper-library");
const corpusPresent = existsSync(path.join(CORPUS, "library"));
if (!corpusPresent) console.log(`SKIPPED UPDATE exemptions against the library's Rego: ${CORPUS} is absent.`);

describe("UPDATE exemptions follow each template's Rego", () => {
  (corpusPresent ? it : it.skip)(
    "a kind exempts UPDATEs exactly when its template guards its violations with not is_update(input.review)",
    () => {
      const mismatches = gatekeeperLibrary
        .map((kind) => {
          const rego = readFileSync(path.join(CORPUS, kind.template, "template.yaml"), "utf8");
          return { kind: kind.kind, template: rego.includes("not is_update(input.review)"), ours: kind.exemptsUpdates };
        })
        .filter((entry) => entry.template !== entry.ours);
      expect(mismatches).toEqual([]);
      expect(gatekeeperLibrary.filter((kind) => kind.exemptsUpdates)).toHaveLength(19);
    },
  );

  (corpusPresent ? it : it.skip)("the library's UPDATE cases pass because of the exemption: each object is a violation as a CREATE", () => {
    const index = JSON.parse(readFileSync(path.join(CORPUS, "index.json"), "utf8")) as { cases: { constraint: string; object: string }[] };
    const updates = index.cases.filter((c) => readFileSync(path.join(CORPUS, c.object), "utf8").includes("kind: AdmissionReview"));
    expect(updates.length).toBeGreaterThan(0);
    const flaggedAsCreate = new Map<string, boolean>();
    for (const c of updates) {
      const policy = readFileSync(path.join(CORPUS, c.constraint), "utf8");
      const update = readFileSync(path.join(CORPUS, c.object), "utf8");
      expect(update).toMatch(/operation: "?UPDATE"?/);
      const asCreate = update.replace(/operation: "?UPDATE"?/, "operation: CREATE");
      expect({ case: `${c.constraint} on ${c.object}`, violations: check(policy, { [c.object]: update }).length }).toEqual({
        case: `${c.constraint} on ${c.object}`,
        violations: 0,
      });
      const created = check(policy, { [c.object]: asCreate }).length > 0;
      flaggedAsCreate.set(c.object, (flaggedAsCreate.get(c.object) ?? false) || created);
    }
    // (A suite may also pair an object with a permissive constraint; at least one of its constraints rejects it.)
    expect([...flaggedAsCreate].filter(([, flagged]) => !flagged)).toEqual([]);
  });
});

describe("NoUpdateServiceAccount", () => {
  const policy = constraint(
    "NoUpdateServiceAccount",
    "allowedUsers: [system:serviceaccount:kube-system:deployer]\nallowedGroups: [cluster-admins]",
    'kinds: [{apiGroups: [""], kinds: ["Pod"]}, {apiGroups: ["apps"], kinds: ["Deployment"]}]',
  );
  const withAccount = (account: string): string => deployment(`serviceAccountName: ${account}\ncontainers:\n- name: c\n  image: nginx`);
  const update = (object: string, oldObject: string | undefined, userInfo = ""): string =>
    [
      "apiVersion: admission.k8s.io/v1",
      "kind: AdmissionReview",
      "request:",
      "  operation: UPDATE",
      ...(userInfo ? [`  userInfo: ${userInfo}`] : []),
      "  object:",
      object.trimEnd().replace(/^/gm, "    "),
      ...(oldObject ? ["  oldObject:", oldObject.trimEnd().replace(/^/gm, "    ")] : []),
      "",
    ].join("\n");

  it("never fires on a manifest: a CREATE has nothing to compare with", () => {
    expect(check(policy, { "d.yaml": withAccount("web") })).toEqual([]);
    expect(check(policy, { "p.yaml": pod("containers:\n- name: c\n  image: nginx") })).toEqual([]);
  });

  it("denies changing the service account, on its line", () => {
    const findings = check(policy, { "r.yaml": update(withAccount("admin"), withAccount("web"), "{username: alice, groups: [devs]}") });
    expect(messages(findings)).toEqual(["user does not have permission to modify serviceAccountName"]);
    // The object starts on line 7; serviceAccountName is line 13 of the Deployment.
    expect(findings[0]).toMatchObject({ line: 19, path: "spec.template.spec.serviceAccountName", rule: "NoUpdateServiceAccount" });
  });

  it("lets an allowed user or group change it, and nobody without userInfo", () => {
    expect(
      check(policy, {
        "r.yaml": update(withAccount("admin"), withAccount("web"), "{username: 'system:serviceaccount:kube-system:deployer'}"),
      }),
    ).toEqual([]);
    expect(
      check(policy, { "r.yaml": update(withAccount("admin"), withAccount("web"), "{username: bob, groups: [devs, cluster-admins]}") }),
    ).toEqual([]);
    expect(messages(check(policy, { "r.yaml": update(withAccount("admin"), withAccount("web")) }))).toEqual([
      "user does not have permission to modify serviceAccountName",
    ]);
  });

  it("admits an UPDATE that keeps the service account", () => {
    expect(check(policy, { "r.yaml": update(withAccount("web"), withAccount("web"), "{username: alice}") })).toEqual([]);
  });

  it("requires a service account on both sides of an UPDATE, whoever asks", () => {
    const withoutAccount = deployment("containers:\n- name: c\n  image: nginx");
    expect(messages(check(policy, { "r.yaml": update(withoutAccount, withAccount("web"), "{groups: [cluster-admins]}") }))).toEqual([
      "missing serviceAccountName field in object under review",
    ]);
    expect(messages(check(policy, { "r.yaml": update(withAccount("web"), undefined) }))).toEqual([
      "missing serviceAccountName field in oldObject under review",
    ]);
  });

  it("reads a Pod's own serviceAccountName", () => {
    const podWith = (account: string): string => pod(`serviceAccountName: ${account}\ncontainers:\n- name: c\n  image: nginx`);
    const findings = check(policy, { "r.yaml": update(podWith("admin"), podWith("web")) });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ path: "spec.serviceAccountName", resource: { kind: "Pod" } });
  });
});
