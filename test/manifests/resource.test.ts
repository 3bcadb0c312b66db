import { describe, expect, it } from "@jest/globals";
import { apiGroupOf, isClusterScoped, resourceRef } from "../../src/manifests/resource.js";

describe("apiGroupOf", () => {
  it("is the part before the slash, empty for the core group", () => {
    expect(apiGroupOf("v1")).toBe("");
    expect(apiGroupOf("apps/v1")).toBe("apps");
    expect(apiGroupOf("constraints.gatekeeper.sh/v1beta1")).toBe("constraints.gatekeeper.sh");
  });
});

describe("isClusterScoped", () => {
  it.each([
    ["v1", "Namespace"],
    ["v1", "Node"],
    ["v1", "PersistentVolume"],
    ["rbac.authorization.k8s.io/v1", "ClusterRole"],
    ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding"],
    ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
    ["storage.k8s.io/v1", "StorageClass"],
    ["scheduling.k8s.io/v1", "PriorityClass"],
    ["networking.k8s.io/v1", "IngressClass"],
    ["admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"],
    ["admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"],
    ["apiregistration.k8s.io/v1", "APIService"],
    ["node.k8s.io/v1", "RuntimeClass"],
    ["policy/v1beta1", "PodSecurityPolicy"],
    ["certificates.k8s.io/v1", "CertificateSigningRequest"],
  ])("%s %s is cluster-scoped", (apiVersion, kind) => {
    expect(isClusterScoped(apiVersion, kind)).toBe(true);
  });

  it.each([
    ["v1", "Pod"],
    ["apps/v1", "Deployment"],
    ["rbac.authorization.k8s.io/v1", "Role"],
    ["networking.k8s.io/v1", "Ingress"],
    // same name, another group: a custom resource, not the built-in
    ["example.com/v1", "Namespace"],
    ["cert-manager.io/v1", "ClusterIssuer"],
  ])("%s %s is namespaced", (apiVersion, kind) => {
    expect(isClusterScoped(apiVersion, kind)).toBe(false);
  });
});

describe("resourceRef", () => {
  it("a namespaced object without a namespace is in default", () => {
    expect(resourceRef({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" } })).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      namespace: "default",
      name: "web",
    });
    expect(resourceRef({ apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "shop" } })).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      namespace: "shop",
      name: "web",
    });
  });

  it("a cluster-scoped object has no namespace", () => {
    expect(resourceRef({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } })).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      name: "shop",
    });
  });

  it("names come from metadata.name, else generateName with a *, else nothing", () => {
    expect(resourceRef({ apiVersion: "batch/v1", kind: "Job", metadata: { generateName: "migrate-" } }).name).toBe("migrate-*");
    expect(resourceRef({ apiVersion: "batch/v1", kind: "Job", metadata: {} }).name).toBe("");
    expect(resourceRef({ apiVersion: "batch/v1", kind: "Job" }).name).toBe("");
    expect(resourceRef({ apiVersion: "batch/v1", kind: "Job", metadata: { name: 7 } })).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      namespace: "default",
      name: "",
    });
  });
});
