/** The app's own deployment passes the policies it enforces, at the restricted level, with no warning. */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { defaultPolicySources } from "../../src/policy/shipped.js";

const root = resolve(import.meta.dirname, "../..");
const deployDir = join(root, "deploy");

describe("deploy/", () => {
  const files = readdirSync(deployDir)
    .filter((name) => name.endsWith(".yaml"))
    .sort();
  const loaded = files.map((name) => loadManifestFile(`deploy/${name}`, readFileSync(join(deployDir, name))));

  test("every file parses into Kubernetes objects", () => {
    expect(loaded.flatMap((file) => file.errors)).toEqual([]);
    expect(loaded.flatMap((file) => file.manifests.map((manifest) => manifest.object["kind"])).sort()).toEqual(
      [
        "Deployment",
        "Deployment",
        "Kustomization",
        "Namespace",
        "NetworkPolicy",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
        "Service",
        "ServiceAccount",
      ].sort(),
    );
  });

  test("the shipped policies find nothing, and neither does the restricted level enforced as deny", async () => {
    const shipped = loadPolicies(await defaultPolicySources());
    const restrictedDeny = loadPolicies([
      {
        file: "restricted-deny.yaml",
        content:
          "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata:\n  name: restricted-deny\nspec:\n  enforcementAction: deny\n  parameters:\n    level: restricted\n    version: latest\n",
      },
    ]);
    expect([...shipped.errors, ...restrictedDeny.errors]).toEqual([]);
    const result = evaluate(loaded, [...shipped.policies, ...restrictedDeny.policies]);
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  test("the container is hardened beyond the Pod Security Standards: read-only root, resources, numeric user matching the image", () => {
    const deployment = loaded
      .flatMap((file) => file.manifests)
      .find(
        (manifest) =>
          manifest.object["kind"] === "Deployment" &&
          (manifest.object["metadata"] as Record<string, unknown>)["name"] === "kube-policy-bot",
      );
    const at = (...path: (string | number)[]): unknown =>
      path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], deployment?.object);
    const container = ["spec", "template", "spec", "containers", 0];
    expect(at(...container, "securityContext")).toEqual(
      expect.objectContaining({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000 }),
    );
    expect(at(...container, "resources", "requests")).toEqual(
      expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
    );
    expect(at(...container, "resources", "limits", "memory")).toEqual(expect.any(String));
    expect(at("spec", "template", "spec", "automountServiceAccountToken")).toBe(false);
    expect(readFileSync(join(root, "Dockerfile"), "utf8")).toMatch(/^USER 1000:1000$/m);
  });

  test("two replicas, a disruption budget, and the Redis they share", () => {
    const manifests = loaded.flatMap((file) => file.manifests).map((manifest) => manifest.object);
    const get = (value: unknown, ...path: (string | number)[]): unknown =>
      path.reduce<unknown>((v, key) => (v as Record<string | number, unknown> | undefined)?.[key], value);
    const named = (kind: string, name: string): unknown =>
      manifests.find((object) => object["kind"] === kind && get(object, "metadata", "name") === name);
    const app = named("Deployment", "kube-policy-bot");
    expect(get(app, "spec", "replicas")).toBe(2);
    expect(get(named("PodDisruptionBudget", "kube-policy-bot"), "spec", "minAvailable")).toBe(1);
    const env = get(app, "spec", "template", "spec", "containers", 0, "env") as Array<{ name: string; value?: string }>;
    expect(env.find((entry) => entry.name === "REDIS_URL")?.value).toBe("redis://kube-policy-bot-redis:6379");
    expect(named("Service", "kube-policy-bot-redis")).toBeDefined();
  });
});
