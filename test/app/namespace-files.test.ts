/**
 * Reading the repository's Namespace manifests for a check: which trees are listed, which blobs are
 * read (within the bound, each once), and what is said when something is skipped.
 */
import { describe, expect, test } from "@jest/globals";
import { ManifestStore } from "../../src/pipeline/read/manifest-store.js";
import { namespaceNeeds, readNamespaceFiles, type NamespaceReadRequest } from "../../src/pipeline/read/namespace-files.js";
import type { RepoRef, Tree } from "../../src/github/model.js";
import { loadManifestFile } from "../../src/manifests/load.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { defaultPolicySources } from "../../src/policy/shipped.js";
import { FakeGitHub } from "./fake-github.js";

const REPO: RepoRef = { owner: "acme", repo: "gitops" };
const namespace = (name: string, level = "restricted") =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    pod-security.kubernetes.io/enforce: ${level}\n`;
const pod = (ns: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ${ns}\nspec:\n  containers:\n  - name: c\n    image: nginx\n`;

function request(overrides: Partial<NamespaceReadRequest> = {}): NamespaceReadRequest {
  return {
    repo: REPO,
    headRef: "change",
    baseRef: "main",
    changed: [],
    judged: [],
    settings: { paths: ["namespaces/*.yaml"], maxFiles: 50 },
    needs: { current: true, base: false },
    ...overrides,
  };
}

describe("readNamespaceFiles", () => {
  test("reads the Namespace files at the head, sorted, within maxFiles, and says how many were left", async () => {
    const github = new FakeGitHub().addRepo(REPO, {});
    github.setFiles(
      REPO,
      "change",
      Object.fromEntries(["a", "b", "c", "d", "e"].map((name) => [`namespaces/${name}.yaml`, namespace(name)])),
    );
    const result = await readNamespaceFiles(
      github,
      new ManifestStore(),
      request({ settings: { paths: ["namespaces/*.yaml"], maxFiles: 3 } }),
    );
    expect(result.current.map((manifest) => manifest.file)).toEqual(["namespaces/a.yaml", "namespaces/b.yaml", "namespaces/c.yaml"]);
    expect(github.count("getBlob")).toBe(3);
    expect(result.blobsFetched).toBe(3);
    expect(result.notes).toEqual([
      expect.stringMatching(/^2 Namespace files matching namespaces.paths were not read: at most 3 are read per check/),
    ]);
  });

  test("a file unchanged between base and head is read once; the base version of a changed Namespace file is read wherever it lives", async () => {
    const github = new FakeGitHub().addRepo(REPO, { "namespaces/prod.yaml": namespace("prod"), "apps/team/ns.yml": namespace("team") });
    github.setFiles(REPO, "change", { "namespaces/prod.yaml": namespace("prod"), "apps/team/ns.yml": namespace("team", "privileged") });
    const judged = [loadManifestFile("apps/team/ns.yml", namespace("team", "privileged"))];
    const result = await readNamespaceFiles(
      github,
      new ManifestStore(),
      request({ changed: [{ filename: "apps/team/ns.yml", status: "modified", sha: "x" }], judged, needs: { current: true, base: true } }),
    );
    expect(result.current.map((manifest) => manifest.file)).toEqual(["namespaces/prod.yaml"]);
    expect(result.base.map((manifest) => `${manifest.file} ${JSON.stringify(manifest.object["metadata"])}`)).toEqual([
      'apps/team/ns.yml {"name":"team","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}',
      'namespaces/prod.yaml {"name":"prod","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}',
    ]);
    expect(github.count("getBlob")).toBe(2); // prod.yaml once for both sides, and team's base version
  });

  test("a listing GitHub truncated is not trusted: nothing is read from it, and the summary says so", async () => {
    class Truncating extends FakeGitHub {
      override async getTree(repo: RepoRef, ref: string): Promise<Tree | undefined> {
        const tree = await super.getTree(repo, ref);
        return tree && { ...tree, truncated: true };
      }
    }
    const github = new Truncating().addRepo(REPO, {});
    github.setFiles(REPO, "change", { "namespaces/prod.yaml": namespace("prod") });
    const result = await readNamespaceFiles(github, new ManifestStore(), request());
    expect(result.current).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("too many files for GitHub to list at the head")]);
  });

  test("nothing is listed when no policy needs it, or when every workload's Namespace is in the change", async () => {
    const github = new FakeGitHub().addRepo(REPO, {});
    const shipped = loadPolicies(await defaultPolicySources()).policies;
    const gatekeeperOnly = loadPolicies([
      {
        file: "p.yaml",
        content:
          "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sDisallowedTags\nmetadata: {name: tags}\nspec:\n  parameters: {tags: [latest]}\n",
      },
    ]).policies;
    const inPrStrangers = [loadManifestFile("p.yaml", pod("prod"))];
    const inPrWithNamespace = [loadManifestFile("p.yaml", pod("prod")), loadManifestFile("ns.yaml", namespace("prod"))];
    expect(namespaceNeeds(inPrStrangers, shipped)).toEqual({ current: true, base: false });
    expect(namespaceNeeds(inPrWithNamespace, shipped)).toEqual({ current: false, base: false });
    expect(namespaceNeeds(inPrStrangers, gatekeeperOnly)).toEqual({ current: false, base: false });
    await readNamespaceFiles(github, new ManifestStore(), request({ needs: namespaceNeeds(inPrWithNamespace, shipped) }));
    expect(github.count("getTree")).toBe(0);
  });
});
