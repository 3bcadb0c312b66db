/**
 * The read step: from a target (pull request or merge group) to its snapshot, through the gateway.
 * This is the only place where a pull request and a merge group are read differently: which files
 * changed (the pull request file list, or the compare of the group against its base), whether the
 * rules changed, and whose comments count for exceptions.
 *
 * Order of requests: the file list, the repository's config (the org's layer is read before the
 * check run exists, see run.ts), the head's tree (once, for Kustomize and Namespaces) and the
 * kustomizations and files of the Kustomize roots the change affects, the changed manifests no
 * kustomization reads (by blob SHA, cached), the repository's Namespace manifests when a judged
 * workload's Namespace is not among them, the base side (`gate: new`), then the comments.
 */
import type { OrgLayer } from "../../config/types.js";
import { changedRuleFiles, selectManifestFiles } from "../../config/select-files.js";
import type { GitHubGateway } from "../../github/gateway.js";
import type { ChangedFile, RepoRef, Tree } from "../../github/model.js";
import { isKustomizationFile } from "../../render/kustomize-graph.js";
import { kustomizeRootsNote } from "../../report/notes.js";
import type { Snapshot } from "../snapshot.js";
import { pullNumberOf, type CheckTarget } from "../target.js";
import { readBaseline } from "./baseline.js";
import type { ConfigLoader } from "./config.js";
import { readCommentFacts } from "./exception-facts.js";
import { changedPaths, readKustomize } from "./kustomize.js";
import { readBindingFacts } from "./pull-history.js";
import type { ManifestStore } from "./manifest-store.js";
import { namespaceNeeds, readNamespaceFiles } from "./namespace-files.js";
import { readSkippedFiles } from "./skipped-files.js";
import { SupersededError, listedForAnotherHead } from "./superseded.js";

/** GitHub serves at most 3000 files of a pull request. */
export const MAX_PULL_REQUEST_FILES = 3000;
/** The compare API returns at most 300 files. */
export const MAX_COMPARE_FILES = 300;

export interface ReadDeps {
  config: ConfigLoader;
  manifests: ManifestStore;
  /** Read the pull request's comments for `/policy-exception` commands (the app always does). */
  readComments: boolean;
}

export async function readSnapshot(gateway: GitHubGateway, target: CheckTarget, org: OrgLayer, deps: ReadDeps): Promise<Snapshot> {
  // Read before the files: if GitHub then lists this head's files, this head came after these force
  // pushes, which is what lets an approval be bound to it later (exceptions/seen-head.ts).
  const forcePushesSeen =
    deps.readComments && target.kind === "pull_request" ? (await gateway.listForcePushes(target.repo, target.number)).length : undefined;
  const changed = await readChangedFiles(gateway, target);
  if ("tooLarge" in changed) return emptySnapshot(target, changed.count, { tooLarge: changed.tooLarge });

  const config = await deps.config.resolve(gateway, target.repo, target.baseRef, org);
  // A pull request cannot change the rules that judge it; a merge group's changes were judged already.
  const ruleFilesChanged =
    target.kind === "pull_request"
      ? changedRuleFiles(changed.files, config.protectedFiles.configPath, config.protectedFiles.policyGlobs)
      : [];
  const snapshot = emptySnapshot(target, changed.files.length, { config, ruleFilesChanged });
  if (config.problems.length > 0) return snapshot;

  const selected = selectManifestFiles(changed.files, config.selection);
  const listTree = treeLister(gateway, target.repo);
  const rootGlobs = config.org.kustomize.roots;
  const kustomize = await readKustomize(gateway, deps.manifests, {
    repo: target.repo,
    listTree: () => listTree(target.headSha),
    sha: target.headSha,
    changed: changedPaths(changed.files),
    rootGlobs,
  });
  if (kustomize.tooLarge) return emptySnapshot(target, changed.files.length, { config, ruleFilesChanged, tooLarge: kustomize.tooLarge });
  // Kustomize inputs (kustomization files, patches, generator sources) are judged in their roots' renders only.
  const standalone = (file: ChangedFile): boolean => !isKustomizationFile(file.filename) && !kustomize.inputs.has(file.filename);
  const plain = selected.filter(standalone);
  const skipped = await readSkippedFiles(
    gateway,
    target.repo,
    changed.files.filter(standalone),
    config.selection,
    target.headSha,
    deps.manifests,
  );
  snapshot.manifests = { ...snapshot.manifests, notes: skipped.notes, blobsFetched: skipped.fetched + kustomize.blobsFetched };
  if (plain.length > 0 || kustomize.files.length > 0) {
    const loaded =
      plain.length > 0
        ? await deps.manifests.load(gateway, target.repo, plain, target.headSha)
        : { files: [], notManifests: [], notes: [], fetched: 0, texts: new Map<string, string>() };
    const files = [...loaded.files, ...kustomize.files];
    snapshot.manifests = {
      selected: selected.length,
      files,
      notManifests: loaded.notManifests,
      notes: [...(kustomize.roots.length > 0 ? [kustomizeRootsNote(kustomize.roots)] : []), ...skipped.notes, ...loaded.notes],
      blobsFetched: loaded.fetched + skipped.fetched + kustomize.blobsFetched,
    };
    snapshot.namespaces = await readNamespaceFiles(gateway, deps.manifests, {
      repo: target.repo,
      headRef: target.headSha,
      baseRef: target.kind === "merge_group" ? target.baseSha : target.baseRef,
      changed: changed.files,
      judged: files,
      settings: config.namespaces,
      needs: namespaceNeeds(files, config.policies),
      listTree,
    });
    if (config.gate === "new") {
      snapshot.baseline = await readBaseline(gateway, target, changed.files, config.selection, deps.manifests, {
        rendersKustomize: kustomize.roots.length > 0,
        rootGlobs,
      });
    }
    // Suggested changes are made in files judged as written; a rendered object's field is not the text of one file.
    if (target.kind === "pull_request" && config.org.suggestions.enabled) {
      snapshot.suggestionFiles = plain.flatMap((file) => {
        const text = loaded.texts.get(file.filename);
        return text === undefined ? [] : [{ path: file.filename, text, patch: file.patch }];
      });
    }
  }

  const pullNumber = pullNumberOf(target);
  if (deps.readComments && pullNumber !== undefined) {
    const author = target.kind === "pull_request" ? target.author : undefined;
    const { newestCommentId, facts } = await readCommentFacts(gateway, target.repo, pullNumber, author, config.org.exceptions);
    snapshot.comments = {
      pullNumber,
      recordsGrants: target.kind === "pull_request",
      newestCommentId,
      ...(facts ? { facts } : {}),
      ...(forcePushesSeen !== undefined ? { forcePushesSeen } : {}),
    };
    // Only the pull request's own check binds grants (a merge group applies recorded ones only).
    if (facts && target.kind === "pull_request") {
      snapshot.comments.binding = await readBindingFacts(
        gateway,
        { repo: target.repo, number: pullNumber, headSha: target.headSha },
        {
          comments: facts.comments,
          facts: facts.facts,
          settings: config.org.exceptions,
          botLogin: facts.botLogin,
          policyNames: config.policies.map((policy) => policy.name),
        },
      );
    }
  }
  if (deps.readComments && target.kind === "merge_group")
    snapshot.mergeQueue = target.pullNumber === undefined ? {} : { pullNumber: target.pullNumber };
  return snapshot;
}

type ChangedFiles = { files: ChangedFile[] } | { count: number; tooLarge: { reason: string; whatToDo: string } };

async function readChangedFiles(gateway: GitHubGateway, target: CheckTarget): Promise<ChangedFiles> {
  if (target.kind === "merge_group") {
    const files = await gateway.compareCommits(target.repo, target.baseSha, target.headSha);
    if (files.length < MAX_COMPARE_FILES) return { files };
    return {
      count: files.length,
      tooLarge: {
        reason: `the merge group changes ${MAX_COMPARE_FILES} files or more, the most GitHub's compare API returns`,
        whatToDo:
          "merge fewer pull requests at once (lower the merge queue's group size), or merge this change without the queue after its pull request check passed.",
      },
    };
  }
  if ((target.changedFiles ?? 0) > MAX_PULL_REQUEST_FILES) {
    return {
      count: target.changedFiles ?? 0,
      tooLarge: {
        reason: `the pull request changes ${target.changedFiles} files, and GitHub lists at most ${MAX_PULL_REQUEST_FILES}`,
        whatToDo:
          "split the pull request so that each part changes at most 3000 files; a change that cannot be checked completely is not passed.",
      },
    };
  }
  const files = await gateway.listPullRequestFiles(target.repo, target.number);
  // GitHub lists the current head's files: if that is no longer this commit, its verdict is not ours to give.
  const newerHead = listedForAnotherHead(files, target.headSha);
  if (newerHead) throw new SupersededError(newerHead);
  if (files.length < MAX_PULL_REQUEST_FILES) return { files };
  return {
    count: files.length,
    tooLarge: {
      reason: `the pull request changes ${MAX_PULL_REQUEST_FILES} files or more, the most GitHub lists`,
      whatToDo:
        "split the pull request so that each part changes fewer than 3000 files; a change that cannot be checked completely is not passed.",
    },
  };
}

/** Tree listings of one check, by commit: the head's is needed by Kustomize and Namespaces alike. */
function treeLister(gateway: GitHubGateway, repo: RepoRef): (ref: string) => Promise<Tree | undefined> {
  const listed = new Map<string, Promise<Tree | undefined>>();
  return (ref) => {
    let tree = listed.get(ref);
    if (!tree) listed.set(ref, (tree = gateway.getTree(repo, ref)));
    return tree;
  };
}

function emptySnapshot(target: CheckTarget, changedFiles: number, parts: Partial<Snapshot>): Snapshot {
  return {
    target,
    changedFiles,
    ruleFilesChanged: [],
    manifests: { selected: 0, files: [], notManifests: [], notes: [], blobsFetched: 0 },
    namespaces: { current: [], base: [], notes: [], blobsFetched: 0 },
    ...parts,
  };
}
