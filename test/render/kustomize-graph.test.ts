/**
 * The kustomization graph: which directories are roots (automatic or chosen by globs) and which roots
 * a change reaches, from the kustomization files alone.
 */
import { describe, expect, test } from "@jest/globals";
import { affectedBy, kustomizeGraph, rootsOf } from "../../src/render/kustomize-graph.js";

const files: Record<string, string> = {
  "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
  "base/deployment.yaml": "kind: Deployment\n",
  "components/debug/kustomization.yaml": "kind: Component\npatches:\n- path: debug.yaml\n",
  "components/debug/debug.yaml": "kind: Deployment\n",
  "overlays/prod/kustomization.yaml":
    "namespace: base\nresources:\n- ../../base\ncomponents:\n- ../../components/debug\nconfigMapGenerator:\n- name: s\n  files: [key=app.conf]\n",
  "overlays/prod/app.conf": "x\n",
  "overlays/dev/kustomization.yaml": "resources:\n- ../../base\n",
  "clusters/one/kustomization.yaml": "resources:\n- ../../overlays/dev\n",
  "unused/README.md": "no kustomization here\n",
};
const graph = kustomizeGraph(
  Object.keys(files),
  (path) => files[path],
  (path) => path in files,
);

describe("kustomizeGraph", () => {
  test("edges come only from the fields that load kustomizations; other strings naming files are mentions", () => {
    expect(graph.uses.get("overlays/prod")).toEqual(["base", "components/debug"]);
    // `namespace: base` names a directory, but namespace never loads one.
    expect(graph.mentions.get("overlays/prod")).toEqual(["overlays/prod/app.conf"]);
    expect(graph.mentions.get("components/debug")).toEqual(["components/debug/debug.yaml"]);
  });

  test("automatic roots: what no other kustomization uses; globs choose instead", () => {
    expect(rootsOf(graph)).toEqual(["clusters/one", "overlays/prod"]);
    expect(rootsOf(graph, ["overlays/*"])).toEqual(["overlays/dev", "overlays/prod"]);
    expect(rootsOf(graph, ["."])).toEqual([]);
  });

  test("a change reaches the roots that use a kustomization in one of its directories", () => {
    const roots = rootsOf(graph);
    expect(affectedBy(graph, roots, ["base/deployment.yaml"]).roots).toEqual(["clusters/one", "overlays/prod"]);
    expect(affectedBy(graph, roots, ["overlays/prod/app.conf"]).roots).toEqual(["overlays/prod"]);
    expect(affectedBy(graph, roots, ["components/debug/debug.yaml"]).roots).toEqual(["overlays/prod"]);
    expect(affectedBy(graph, roots, ["unused/README.md", "docs/x.yaml"])).toEqual({ roots: [], readersOutsideRoots: [] });
    expect(affectedBy(graph, roots, ["x.yaml"], "none").roots).toEqual(roots);
  });

  test("with chosen roots, a kustomization no root reaches is rendered only to know its inputs", () => {
    expect(affectedBy(graph, ["overlays/prod"], ["overlays/dev/patch.yaml"])).toEqual({ roots: [], readersOutsideRoots: ["overlays/dev"] });
  });
});
