/**
 * AdmissionReview documents are read as gator reads them: the object under review is
 * request.object (request.oldObject for a DELETE), positions resolve inside it, and the request
 * travels with it. A review that gator would refuse is an error with its line, never a silent pass.
 */
import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { lines } from "./support.js";

const review = (apiVersion: string, ...request: string[]): string =>
  lines(`apiVersion: ${apiVersion}`, "kind: AdmissionReview", "request:", ...request.map((line) => `  ${line}`));

const POD = [
  "  apiVersion: v1",
  "  kind: Pod",
  "  metadata: {name: app, namespace: shop}",
  "  spec:",
  "    containers:",
  "    - {name: c, image: nginx}",
];

function errorsOf(content: string): string[] {
  const loaded = loadManifestFile("review.yaml", content);
  expect(loaded.manifests).toEqual([]);
  return loaded.errors.map((error) => `${error.line}:${error.column} ${error.message}`);
}

describe("an AdmissionReview is judged as its object", () => {
  it.each(["admission.k8s.io/v1", "admission.k8s.io/v1beta1"])("%s: request.object, with positions inside it", (apiVersion) => {
    const loaded = loadManifestFile("review.yaml", review(apiVersion, "operation: CREATE", "object:", ...POD));
    expect(loaded.errors).toEqual([]);
    expect(loaded.manifests).toHaveLength(1);
    const [manifest] = loaded.manifests;
    expect(manifest?.object).toMatchObject({ apiVersion: "v1", kind: "Pod", metadata: { name: "app" } });
    expect(manifest?.review).toEqual({ operation: "CREATE" });
    // line 11 is `      - {name: c, image: nginx}`, line 8 the object's metadata
    expect(manifest?.locate(["spec", "containers", 0, "image"])).toMatchObject({ line: 11 });
    expect(manifest?.locate(["metadata", "name"])).toMatchObject({ line: 8 });
  });

  it("keeps operation, oldObject, userInfo, namespace and name of the request", () => {
    const loaded = loadManifestFile(
      "review.yaml",
      review(
        "admission.k8s.io/v1",
        "uid: 705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind: {group: '', version: v1, kind: Pod}",
        "resource: {group: '', version: v1, resource: pods}",
        "name: app",
        "namespace: shop",
        "operation: UPDATE",
        "userInfo: {username: alice, uid: '42', groups: [devs, 'system:authenticated'], extra: {scope: [a]}}",
        "dryRun: false",
        "options: {apiVersion: meta.k8s.io/v1, kind: UpdateOptions}",
        "object:",
        ...POD,
        "oldObject: {apiVersion: v1, kind: Pod, metadata: {name: app}}",
      ),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.manifests[0]?.review).toEqual({
      operation: "UPDATE",
      oldObject: { apiVersion: "v1", kind: "Pod", metadata: { name: "app" } },
      userInfo: { username: "alice", uid: "42", groups: ["devs", "system:authenticated"], extra: { scope: ["a"] } },
      namespace: "shop",
      name: "app",
    });
  });

  it("judges a DELETE on request.oldObject (gator's SetObjectOnDelete), positions inside it", () => {
    const loaded = loadManifestFile(
      "review.yaml",
      review("admission.k8s.io/v1", "operation: DELETE", "object: null", "oldObject:", ...POD),
    );
    expect(loaded.errors).toEqual([]);
    const [manifest] = loaded.manifests;
    expect(manifest?.object).toMatchObject({ kind: "Pod", metadata: { name: "app" } });
    expect(manifest?.review?.operation).toBe("DELETE");
    expect(manifest?.review?.oldObject).toBe(manifest?.object);
    expect(manifest?.locate(["spec", "containers", 0, "image"])).toMatchObject({ line: 12 });
  });

  it("unwraps a review that is an item of a List, next to plain objects", () => {
    const loaded = loadManifestFile(
      "list.yaml",
      lines(
        "apiVersion: v1",
        "kind: List",
        "items:",
        "- apiVersion: admission.k8s.io/v1",
        "  kind: AdmissionReview",
        "  request:",
        "    operation: UPDATE",
        "    object: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}",
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}",
      ),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.manifests.map((m) => [m.object["metadata"], m.review?.operation])).toEqual([
      [{ name: "a" }, "UPDATE"],
      [{ name: "b" }, undefined],
    ]);
    expect(loaded.manifests[0]?.locate(["metadata", "name"])).toMatchObject({ line: 8 });
  });

  it("leaves other kinds named AdmissionReview alone (only the admission.k8s.io group is a review)", () => {
    const loaded = loadManifestFile(
      "cr.yaml",
      lines("apiVersion: example.com/v1", "kind: AdmissionReview", "metadata: {name: x}", "spec: {}"),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.manifests[0]?.object["apiVersion"]).toBe("example.com/v1");
    expect(loaded.manifests[0]?.review).toBeUndefined();
  });
});

describe("a review gator would refuse is an error at its line", () => {
  it("without a request", () => {
    expect(errorsOf(lines("apiVersion: admission.k8s.io/v1", "kind: AdmissionReview"))).toEqual([
      "1:1 document 1: an AdmissionReview needs a request (a mapping) holding the object to review",
    ]);
  });

  it("with an operation that is missing or not an admission operation", () => {
    expect(errorsOf(review("admission.k8s.io/v1", "object: {apiVersion: v1, kind: Pod}"))).toEqual([
      "3:1 document 1: request.operation must be one of CREATE, UPDATE, DELETE, CONNECT",
    ]);
    expect(errorsOf(review("admission.k8s.io/v1", "operation: Update", "object: {apiVersion: v1, kind: Pod}"))).toEqual([
      '4:3 document 1: request.operation must be one of CREATE, UPDATE, DELETE, CONNECT, not the string "Update"',
    ]);
  });

  it("without the object it reviews: request.object, or request.oldObject for a DELETE", () => {
    expect(errorsOf(review("admission.k8s.io/v1", "operation: UPDATE", "oldObject: {apiVersion: v1, kind: Pod}"))).toEqual([
      "3:1 document 1: request.object is missing: a UPDATE request is reviewed on its object",
    ]);
    expect(errorsOf(review("admission.k8s.io/v1", "operation: DELETE", "object: {apiVersion: v1, kind: Pod}"))).toEqual([
      "3:1 document 1: request.oldObject is missing: a DELETE request is reviewed on the object being deleted",
    ]);
  });

  it("with unknown fields, as gator's strict conversion (a misspelt object must not review nothing)", () => {
    expect(errorsOf(review("admission.k8s.io/v1", "operation: CREATE", "objcet: {apiVersion: v1, kind: Pod}"))).toEqual([
      expect.stringMatching(/^5:3 document 1: unknown field "objcet" in request \(expected uid, kind, .*\)$/),
    ]);
    expect(errorsOf(lines("apiVersion: admission.k8s.io/v1", "kind: AdmissionReview", "requests: {}"))).toEqual(
      [
        'document 1: unknown field "requests" in an AdmissionReview (expected apiVersion, kind, request, response)',
        "document 1: an AdmissionReview needs a request (a mapping) holding the object to review",
      ].map((message, i) => `${i === 0 ? "3:1" : "1:1"} ${message}`),
    );
  });

  it("with an object that is not a Kubernetes object, or a malformed userInfo", () => {
    expect(errorsOf(review("admission.k8s.io/v1", "operation: CREATE", "object: {kind: Pod}"))).toEqual([
      "5:3 document 1: request.object has no apiVersion",
    ]);
    expect(errorsOf(review("admission.k8s.io/v1", "operation: CREATE", "object: [a]"))).toEqual([
      "5:3 document 1: request.object is a sequence, not a Kubernetes object (a mapping with apiVersion and kind)",
    ]);
    expect(
      errorsOf(review("admission.k8s.io/v1", "operation: UPDATE", "object: {apiVersion: v1, kind: Pod}", "userInfo: {groups: admins}")),
    ).toEqual(['6:14 document 1: request.userInfo.groups must be a list of strings, not the string "admins"']);
  });

  it("of an admission.k8s.io version that has no AdmissionReview", () => {
    expect(errorsOf(review("admission.k8s.io/v2", "operation: CREATE", "object: {apiVersion: v1, kind: Pod}"))).toEqual([
      '1:1 document 1: AdmissionReview version "admission.k8s.io/v2" is not supported: use admission.k8s.io/v1 or admission.k8s.io/v1beta1',
    ]);
  });
});
