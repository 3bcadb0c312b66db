import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import type { Manifest } from "../../src/manifests/types.js";
import { WORKLOAD_TEMPLATE_PATHS, podViewOf } from "../../src/manifests/workloads.js";
import { lines } from "./support.js";

const manifest = (text: string): Manifest => {
  const loaded = loadManifestFile("w.yaml", text);
  expect(loaded.errors).toEqual([]);
  return loaded.manifests[0] as Manifest;
};

const deployment = lines(
  "apiVersion: apps/v1", // 1
  "kind: Deployment", // 2
  "metadata:", // 3
  "  name: web", // 4
  "  namespace: shop", // 5
  "spec:", // 6
  "  template:", // 7
  "    metadata:", // 8
  "      labels: {app: web}", // 9
  "      namespace: ignored", // 10
  "    spec:", // 11
  "      containers:", // 12
  "        - name: app", // 13
  "          image: nginx", // 14
  "          securityContext:", // 15
  "            privileged: true", // 16
);

describe("podViewOf", () => {
  it("a Pod is its own view", () => {
    const pod = manifest(lines("apiVersion: v1", "kind: Pod", "metadata: {name: p}", "spec: {containers: []}"));
    const view = podViewOf(pod);
    expect(view?.pod).toBe(pod.object);
    expect(view?.templatePath).toEqual([]);
    expect(view?.toSourcePath(["spec", "containers", 0])).toEqual(["spec", "containers", 0]);
  });

  it("a Deployment becomes the Pod its template describes, in the Deployment's namespace", () => {
    const view = podViewOf(manifest(deployment));
    expect(view?.templatePath).toEqual(["spec", "template"]);
    expect(view?.pod).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { labels: { app: "web" }, name: "web", namespace: "shop" },
      spec: { containers: [{ name: "app", image: "nginx", securityContext: { privileged: true } }] },
    });
  });

  it("maps a finding on the Pod back onto the template's line", () => {
    const workload = manifest(deployment);
    const view = podViewOf(workload);
    const path = view?.toSourcePath(["spec", "containers", 0, "securityContext", "privileged"]) ?? [];
    expect(path).toEqual(["spec", "template", "spec", "containers", 0, "securityContext", "privileged"]);
    expect(workload.locate(path)).toMatchObject({ line: 16, column: 13 });
    // a missing field lands on the nearest existing parent in the workload
    expect(workload.locate(view?.toSourcePath(["spec", "containers", 0, "securityContext", "runAsNonRoot"]) ?? [])).toMatchObject({
      line: 15,
    });
    expect(workload.locate(view?.toSourcePath(["spec", "hostNetwork"]) ?? [])).toMatchObject({ line: 11 });
    expect(workload.locate(view?.toSourcePath(["metadata", "labels", "app"]) ?? [])).toMatchObject({ line: 9, column: 16 });
    expect(workload.locate(view?.toSourcePath(["metadata", "namespace"]) ?? [])).toMatchObject({ line: 5 });
    expect(view?.toSourcePath([])).toEqual(["spec", "template"]);
  });

  it("without a namespace on the workload, the template's is dropped", () => {
    const view = podViewOf(manifest(deployment.replace("  namespace: shop\n", "")));
    expect(view?.pod["metadata"]).toEqual({ labels: { app: "web" }, name: "web" });
  });

  it("finds the template of every built-in workload", () => {
    const template = { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } };
    const cases: [string, string, Record<string, unknown>][] = [
      ["apps/v1", "ReplicaSet", { spec: { template } }],
      ["apps/v1", "StatefulSet", { spec: { template } }],
      ["apps/v1", "DaemonSet", { spec: { template } }],
      ["batch/v1", "Job", { spec: { template } }],
      ["batch/v1", "CronJob", { spec: { jobTemplate: { spec: { template } } } }],
      ["batch/v1beta1", "CronJob", { spec: { jobTemplate: { spec: { template } } } }],
      ["v1", "ReplicationController", { spec: { template } }],
      ["v1", "PodTemplate", { template }],
      ["extensions/v1beta1", "Deployment", { spec: { template } }],
      ["apps/v1beta1", "Deployment", { spec: { template } }],
      ["apps/v1beta2", "DaemonSet", { spec: { template } }],
    ];
    for (const [apiVersion, kind, rest] of cases) {
      const view = podViewOf({
        file: "f",
        object: { apiVersion, kind, ...(rest as object) },
        locate: () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 }),
      });
      expect([kind, view?.pod["spec"]]).toEqual([kind, template.spec]);
      expect(view?.templatePath).toEqual(WORKLOAD_TEMPLATE_PATHS[kind]);
    }
  });

  it("ignores kinds of other API groups, non-workloads and workloads without a template", () => {
    const locate = () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 });
    const template = { spec: { containers: [] } };
    expect(
      podViewOf({ file: "f", object: { apiVersion: "example.com/v1", kind: "Deployment", spec: { template } }, locate }),
    ).toBeUndefined();
    expect(podViewOf({ file: "f", object: { apiVersion: "example.com/v1", kind: "Pod", spec: {} }, locate })).toBeUndefined();
    expect(podViewOf({ file: "f", object: { apiVersion: "v1", kind: "ConfigMap", data: {} }, locate })).toBeUndefined();
    expect(podViewOf({ file: "f", object: { apiVersion: "apps/v1", kind: "Deployment", spec: {} }, locate })).toBeUndefined();
    expect(
      podViewOf({ file: "f", object: { apiVersion: "apps/v1", kind: "Deployment", spec: { template: "x" } }, locate }),
    ).toBeUndefined();
    expect(podViewOf({ file: "f", object: { apiVersion: "apps/v1", kind: "StatefulSet" }, locate })).toBeUndefined();
  });
});
