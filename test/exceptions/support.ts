/**
 * Fixtures for the exception tests: real findings from the real engine (so fingerprints are the
 * engine's), pull-request comments as the issue comments API returns them, and approver facts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ExceptionSettings } from "../../src/config/types.js";
import { buildFacts, type AuthorizationFacts, type UserFacts } from "../../src/exceptions/authorize.js";
import type { PullRequestComment } from "../../src/exceptions/derive.js";
import { bindingOf } from "../../src/exceptions/scope.js";
import type { PullHistory, RecordedRun } from "../../src/exceptions/seen-head.js";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import type { Finding } from "../../src/policy/types.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const POLICIES = ["pod-security-baseline.yaml", "pod-security-restricted.yaml"].map((name) => ({
  file: `policies/${name}`,
  content: readFileSync(path.join(REPO, "policies", name), "utf8"),
}));
const { policies } = loadPolicies(POLICIES);

export const BOT = "kube-policy-bot[bot]";
export const DAY = 24 * 60 * 60 * 1000;

/** A log shipper that needs hostPath /var/log: one baseline finding per problem. */
export function fluentBit(options: { hostPath?: string; image?: string; name?: string; namespace?: string } = {}): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${options.name ?? "fluent-bit"}
  namespace: ${options.namespace ?? "logging"}
spec:
  template:
    spec:
      containers:
        - name: fluent-bit
          image: ${options.image ?? "fluent/fluent-bit:3.0"}
          securityContext:
            privileged: true
      volumes:
        - name: varlog
          hostPath:
            path: ${options.hostPath ?? "/var/log"}
`;
}

/** Baseline findings only (restricted adds many more that these tests do not need). */
export function baselineFindings(...files: { file: string; content: string }[]): Finding[] {
  const loaded = files.map(({ file, content }) => loadManifestFile(file, content));
  return evaluate(
    loaded,
    policies.filter((policy) => policy.name === "pod-security-baseline"),
  ).findings;
}

export function allFindings(...files: { file: string; content: string }[]): Finding[] {
  return evaluate(
    files.map(({ file, content }) => loadManifestFile(file, content)),
    policies,
  ).findings;
}

export const T0 = Date.parse("2026-03-02T10:00:00Z");

let nextId = 1000;
export function comment(
  login: string,
  body: string,
  minutesAfterT0: number,
  options: { id?: number; type?: string } = {},
): PullRequestComment {
  const id = options.id ?? nextId++;
  const created = new Date(T0 + minutesAfterT0 * 60_000).toISOString();
  return {
    id,
    body,
    user: { login, type: options.type ?? "User" },
    created_at: created,
    updated_at: created,
    html_url: `https://github.example/acme/app/pull/7#issuecomment-${id}`,
  };
}

export function botComment(body: string, minutesAfterT0: number, id?: number): PullRequestComment {
  return comment(BOT, body, minutesAfterT0, { type: "Bot", ...(id !== undefined ? { id } : {}) });
}

export const SETTINGS: ExceptionSettings = {
  approvers: [{ team: "platform-security" }, { permission: "admin" }, { team: "observability", policies: ["pod-security-restricted"] }],
  maxDurationMs: 30 * DAY,
  defaultDurationMs: 14 * DAY,
};

/**
 * alice: platform-security member; bob: write access only; carol: observability member (restricted
 * only); dave: pending invitation to platform-security; erin: repo admin; pat: the PR author, who is
 * also in platform-security.
 */
export function facts(overrides: Record<string, UserFacts> = {}): AuthorizationFacts {
  const users: Record<string, UserFacts> = {
    alice: { teams: { "platform-security": "active" }, permission: "write" },
    bob: { teams: {}, permission: "write" },
    carol: { teams: { observability: "active" }, permission: "read" },
    dave: { teams: { "platform-security": "pending" }, permission: "read" },
    erin: { teams: {}, permission: "admin" },
    pat: { teams: { "platform-security": "active" }, permission: "admin" },
    ...overrides,
  };
  return buildFacts("pat", Object.entries(users));
}

/** The head of the pull request in these tests (one commit: what changes is what the check finds). */
export const HEAD = "a".repeat(40);

/** The app's reactions, none unless set: a map that answers every comment id. */
export class BotReactions extends Map<number, readonly string[]> {
  override get(commentId: number): readonly string[] {
    return super.get(commentId) ?? [];
  }

  add(commentId: number, reaction: string): void {
    this.set(commentId, [...this.get(commentId), reaction]);
  }
}

/** This app's completed check runs on the pull request: each showed the findings it was given. */
export class CheckRuns {
  readonly runs: RecordedRun[] = [];

  /** A run that completed at `minutesAfterT0`, showing `findings`. */
  completed(
    findings: readonly Finding[],
    minutesAfterT0: number,
    options: { head?: string; commentsRead?: number; forcePushesSeen?: number } = {},
  ): this {
    this.runs.push({
      headSha: options.head ?? HEAD,
      completedAt: new Date(T0 + minutesAfterT0 * 60_000),
      conclusion: "failure",
      findings: [...new Set(findings.map(bindingOf))],
      commentsRead: options.commentsRead ?? 0,
      forcePushesSeen: options.forcePushesSeen ?? 0,
    });
    return this;
  }

  history(options: { forcePushes?: Date[] } = {}): PullHistory {
    const heads = [...new Set([HEAD, ...this.runs.map((run) => run.headSha)])];
    const runs = new Map<string, RecordedRun[]>(heads.map((sha) => [sha, this.runs.filter((run) => run.headSha === sha)]));
    return { headSha: HEAD, commits: [{ sha: HEAD, parents: [] }], complete: true, runs, forcePushes: options.forcePushes ?? [] };
  }
}

/** Derivation input for a pull request whose check showed `findings` a minute before T0, before any comment. */
export function checkedBefore(findings: readonly Finding[]): { history: PullHistory; botReactions: BotReactions } {
  return { history: new CheckRuns().completed(findings, -1).history(), botReactions: new BotReactions() };
}
