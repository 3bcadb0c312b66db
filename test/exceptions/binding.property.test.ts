/**
 * Property tests of what a grant is bound to. For random pull request histories (heads on one line,
 * the findings each showed, check runs completing before, in the same second as, or after the
 * approving comment, runs without a record, cancelled runs, force pushes) the head an approval is
 * bound to never lends it a finding its approver could not have seen; and a changed image always
 * makes a finding another one.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { applyExceptions } from "../../src/exceptions/apply.js";
import { deriveExceptions } from "../../src/exceptions/derive.js";
import { bindingOf } from "../../src/exceptions/scope.js";
import { seenHead, type PullHistory, type RecordedRun } from "../../src/exceptions/seen-head.js";
import type { Finding } from "../../src/policy/types.js";
import { BOT, BotReactions, SETTINGS, T0, baselineFindings, comment, facts } from "./support.js";

const RUNS = 200;
const SECOND = 1000;
const sha = (index: number) => index.toString(16).padStart(40, "0");

interface Model {
  /** Findings (bindings) of each head, oldest first; the last is the current head. */
  heads: string[][];
  runs: { head: number; completedSecond: number; cancelled: boolean; recorded: boolean; forcePushesSeen: number }[];
  commentSecond: number;
  forcePushes: number;
}

const bindingPool = ["a1", "b2", "c3", "d4", "e5", "f6"];

const model: fc.Arbitrary<Model> = fc
  .record({
    heads: fc.array(fc.subarray(bindingPool), { minLength: 1, maxLength: 5 }),
    runs: fc.array(
      fc.record({
        head: fc.nat(),
        completedSecond: fc.integer({ min: 0, max: 20 }),
        cancelled: fc.boolean(),
        recorded: fc.boolean(),
        forcePushesSeen: fc.integer({ min: 0, max: 2 }),
      }),
      { maxLength: 8 },
    ),
    commentSecond: fc.integer({ min: 0, max: 20 }),
    forcePushes: fc.integer({ min: 0, max: 2 }),
  })
  .map((raw) => ({ ...raw, runs: raw.runs.map((run) => ({ ...run, head: run.head % raw.heads.length })) }));

function historyOf(m: Model): PullHistory {
  const runs = new Map<string, RecordedRun[]>(m.heads.map((_, index) => [sha(index), []]));
  for (const run of m.runs) {
    const recorded: RecordedRun = {
      headSha: sha(run.head),
      completedAt: new Date(T0 + run.completedSecond * SECOND),
      conclusion: run.cancelled ? "cancelled" : "failure",
      forcePushesSeen: run.forcePushesSeen,
    };
    if (run.recorded) recorded.findings = m.heads[run.head] as string[];
    runs.get(sha(run.head))?.push(recorded);
  }
  return {
    headSha: sha(m.heads.length - 1),
    commits: m.heads.map((_, index) => ({ sha: sha(index), parents: index === 0 ? [] : [sha(index - 1)] })),
    complete: true,
    runs,
    forcePushes: Array.from({ length: m.forcePushes }, (_, index) => new Date(T0 + index * SECOND)),
  };
}

/**
 * The heads its approver may have seen last: runs of an earlier second completed before the
 * comment; runs of the comment's own second may have, or not. Undefined stands for "none yet".
 */
function possibleSeenHeads(m: Model): (number | undefined)[] {
  const shown = m.runs.filter((run) => !run.cancelled);
  const newest = (runs: typeof shown) => (runs.length === 0 ? undefined : Math.max(...runs.map((run) => run.head)));
  const certain = newest(shown.filter((run) => run.completedSecond < m.commentSecond));
  const maybe = shown
    .filter((run) => run.completedSecond === m.commentSecond && (certain === undefined || run.head > certain))
    .map((run) => run.head);
  return [certain, ...maybe];
}

describe("the head an approval is bound to", () => {
  it("never lends a grant a finding that was not on every head its approver may have seen last", () => {
    fc.assert(
      fc.property(model, (m) => {
        const seen = seenHead(historyOf(m), new Date(T0 + m.commentSecond * SECOND));
        expect(seen.kind).not.toBe("incomplete");
        if (seen.kind !== "head") return;
        for (const head of possibleSeenHeads(m)) {
          // "Nothing seen yet" was possible: then nothing may be bound.
          expect(head).toBeDefined();
          for (const binding of seen.bindings) expect(m.heads[head as number]).toContain(binding);
        }
        // After a force push the head must be one judged after all of them.
        if (m.forcePushes > 0) {
          expect(m.runs.some((run) => sha(run.head) === seen.sha && run.recorded && run.forcePushesSeen >= m.forcePushes)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("binds exactly the newest checked head's findings when nothing is ambiguous", () => {
    const clear = model.filter(
      (m) => m.forcePushes === 0 && m.runs.every((run) => run.recorded && run.completedSecond !== m.commentSecond),
    );
    fc.assert(
      fc.property(clear, (m) => {
        const seen = seenHead(historyOf(m), new Date(T0 + m.commentSecond * SECOND));
        const [expected] = possibleSeenHeads(m);
        if (expected === undefined) {
          expect(seen).toMatchObject({ kind: "unknown", reason: expect.stringMatching(/no check of this app had completed/) });
          return;
        }
        expect(seen).toEqual({ kind: "head", sha: sha(expected), bindings: new Set(m.heads[expected]) });
      }),
      { numRuns: RUNS },
    );
  });
});

/** A pod whose baseline findings are those `violations` name, running `image`. */
function pod(violations: { privileged: boolean; hostNetwork: boolean; hostPID: boolean }, image: string): Finding[] {
  const lines = [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: r00t",
    "  namespace: default",
    "spec:",
    ...(violations.hostNetwork ? ["  hostNetwork: true"] : []),
    ...(violations.hostPID ? ["  hostPID: true"] : []),
    "  containers:",
    "    - name: shell",
    `      image: ${JSON.stringify(image)}`,
    ...(violations.privileged ? ["      securityContext:", "        privileged: true"] : []),
    "",
  ];
  return baselineFindings({ file: "pod.yaml", content: lines.join("\n") });
}

const violations = fc.record({ privileged: fc.boolean(), hostNetwork: fc.boolean(), hostPID: fc.boolean() });
const image = fc.stringMatching(/^[a-z0-9][a-z0-9./-]{0,20}:[a-z0-9.]{1,8}$/);

describe("a grant derived from a pull request's comments", () => {
  it("covers no finding that was absent from the head its approver saw, whatever it names and whatever came later", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ violations, image }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (heads, seenIndex) => {
          const findingsOf = heads.map((head) => pod(head.violations, head.image));
          const seen = Math.min(seenIndex, heads.length - 1);
          // Every head before and at `seen` was checked before alice's comment at minute 10; later ones after it.
          const runs = new Map<string, RecordedRun[]>(
            findingsOf.map((findings, index) => [
              sha(index),
              [
                {
                  headSha: sha(index),
                  completedAt: new Date(T0 + (index <= seen ? index : 11 + index) * 60_000),
                  conclusion: "failure",
                  findings: findings.map(bindingOf),
                  commentsRead: 0,
                  forcePushesSeen: 0,
                },
              ],
            ]),
          );
          const history: PullHistory = {
            headSha: sha(heads.length - 1),
            commits: heads.map((_, index) => ({ sha: sha(index), parents: index === 0 ? [] : [sha(index - 1)] })),
            complete: true,
            runs,
            forcePushes: [],
          };
          const current = findingsOf[findingsOf.length - 1] as Finding[];
          const grant = comment("alice", "/policy-exception pod-security-baseline Pod/default/r00t\nReason: debugging, INC-1", 10);
          const derived = deriveExceptions({
            comments: [grant],
            facts: facts(),
            settings: SETTINGS,
            botLogin: BOT,
            now: new Date(T0 + 20 * 60_000),
            findings: current,
            history,
            botReactions: new BotReactions(),
          });
          const seenBindings = new Set((findingsOf[seen] as Finding[]).map(bindingOf));
          for (const finding of applyExceptions(current, derived.active, new Date(T0 + 20 * 60_000))) {
            if (finding.exception) expect(seenBindings.has(bindingOf(finding))).toBe(true);
            // And everything that was seen and is still there is covered: the property is not vacuous.
            else expect(seenBindings.has(bindingOf(finding))).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a finding's binding", () => {
  it("changes with the image of the container it is about, and only then", () => {
    fc.assert(
      fc.property(image, image, (before, after) => {
        const [was] = pod({ privileged: true, hostNetwork: false, hostPID: false }, before);
        const [is] = pod({ privileged: true, hostNetwork: false, hostPID: false }, after);
        expect(bindingOf(was as Finding) === bindingOf(is as Finding)).toBe(before === after);
      }),
      { numRuns: 100 },
    );
  });
});
