import { describe, expect, it } from "@jest/globals";
import type { JsonObject } from "../../src/manifests/types.js";
import { matches, selectorMatches, wildcardMatches } from "../../src/policy/match.js";
import type { MatchSpec } from "../../src/policy/types.js";

const pod = (namespace?: string, labels: Record<string, string> = {}): JsonObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-1", ...(namespace ? { namespace } : {}), labels },
  spec: {},
});
const namespaceObject = (name: string, labels: Record<string, string>): JsonObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});
const none = new Map<string, JsonObject>();
const judged = (match: MatchSpec, object: JsonObject, namespaces = none) => matches(match, { object, namespaces });

describe("Gatekeeper match semantics", () => {
  it("an empty match selects everything", () => {
    expect(judged({}, pod("prd"))).toBe(true);
    expect(judged({}, namespaceObject("prd", {}))).toBe(true);
  });

  it("kinds compare the API group and kind, with * and empty lists as wildcards", () => {
    const deployment: JsonObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } };
    expect(judged({ kinds: [{ apiGroups: [""], kinds: ["Pod"] }] }, pod("a"))).toBe(true);
    expect(judged({ kinds: [{ apiGroups: [""], kinds: ["Pod"] }] }, deployment)).toBe(false);
    expect(judged({ kinds: [{ apiGroups: ["apps"], kinds: ["Deployment"] }] }, deployment)).toBe(true);
    expect(judged({ kinds: [{ apiGroups: [""], kinds: ["Deployment"] }] }, deployment)).toBe(false);
    expect(judged({ kinds: [{ apiGroups: ["*"], kinds: ["*"] }] }, deployment)).toBe(true);
    expect(judged({ kinds: [{ apiGroups: [], kinds: [] }] }, deployment)).toBe(true);
  });

  it("namespaces and excludedNamespaces take exact names and prefix*/ *suffix globs", () => {
    expect(judged({ namespaces: ["sbx", "prd"] }, pod("prd"))).toBe(true);
    expect(judged({ namespaces: ["sbx", "prd"] }, pod("dev"))).toBe(false);
    expect(judged({ namespaces: ["team-*"] }, pod("team-a"))).toBe(true);
    expect(judged({ excludedNamespaces: ["kube-*"] }, pod("kube-public"))).toBe(false);
    expect(judged({ excludedNamespaces: ["*-system"] }, pod("gatekeeper-system"))).toBe(false);
    expect(judged({ excludedNamespaces: ["kube-system"] }, pod("default"))).toBe(true);
  });

  it("a manifest without a namespace cannot be disqualified by namespace lists (gator semantics: fail closed)", () => {
    expect(judged({ namespaces: ["prd"] }, pod())).toBe(true);
    expect(judged({ excludedNamespaces: ["default"] }, pod())).toBe(true);
  });

  it("a Namespace object is matched by its own name", () => {
    expect(judged({ excludedNamespaces: ["kube-system"] }, namespaceObject("kube-system", {}))).toBe(false);
    expect(judged({ namespaces: ["prd"] }, namespaceObject("prd", {}))).toBe(true);
  });

  it("labelSelector uses matchLabels and matchExpressions together", () => {
    const selector = { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn" as const, values: ["test"] }] };
    expect(judged({ labelSelector: selector }, pod("a", { app: "web" }))).toBe(true);
    expect(judged({ labelSelector: selector }, pod("a", { app: "web", tier: "test" }))).toBe(false);
    expect(judged({ labelSelector: selector }, pod("a", { app: "db" }))).toBe(false);
  });

  it("namespaceSelector reads the labels of the Namespace manifest under review", () => {
    const namespaces = new Map([
      ["prd", namespaceObject("prd", { env: "production" })],
      ["dev", namespaceObject("dev", { env: "dev" })],
    ]);
    const match = { namespaceSelector: { matchLabels: { env: "production" } } };
    expect(judged(match, pod("prd"), namespaces)).toBe(true);
    expect(judged(match, pod("dev"), namespaces)).toBe(false);
    // Unknown namespace: its labels are unknown, so the policy applies rather than silently skipping.
    expect(judged(match, pod("elsewhere"), namespaces)).toBe(true);
    expect(judged(match, namespaceObject("prd", { env: "production" }), namespaces)).toBe(true);
  });

  it("name and scope", () => {
    expect(judged({ name: "web-*" }, pod("a"))).toBe(true);
    expect(judged({ name: "db-*" }, pod("a"))).toBe(false);
    const clusterRole: JsonObject = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "x" } };
    expect(judged({ scope: "Cluster" }, clusterRole)).toBe(true);
    expect(judged({ scope: "Namespaced" }, clusterRole)).toBe(false);
    expect(judged({ scope: "Namespaced" }, pod())).toBe(true);
    expect(judged({ scope: "Cluster" }, namespaceObject("a", {}))).toBe(true);
  });
});

describe("selectors and wildcards", () => {
  it("Exists / DoesNotExist / In", () => {
    expect(selectorMatches({ matchExpressions: [{ key: "a", operator: "Exists" }] }, { a: "" })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, { a: "" })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "a", operator: "In", values: ["x"] }] }, {})).toBe(false);
    expect(selectorMatches({}, {})).toBe(true);
  });
  it("wildcards", () => {
    expect(wildcardMatches("kube-*", "kube-system")).toBe(true);
    expect(wildcardMatches("*-system", "kube-system")).toBe(true);
    expect(wildcardMatches("kube-system", "kube-systemx")).toBe(false);
  });
});
