/** The background runner: bounded concurrency, order, coalescing of duplicates, drain for shutdown. */
import { describe, expect, test } from "@jest/globals";
import { JobRunner } from "../../src/app/job-runner.js";
import { silentLog } from "./fixtures.js";

function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("JobRunner", () => {
  test("runs at most maxConcurrent jobs at once, the rest in order of arrival", async () => {
    const runner = new JobRunner(silentLog, 2);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    for (const key of ["a", "b", "c", "d"]) {
      const g = gate();
      gates.set(key, g);
      runner.submit(key, async () => {
        started.push(key);
        await g.promise;
      });
    }
    await Promise.resolve();
    expect(started).toEqual(["a", "b"]);
    expect(runner.size).toBe(4);
    gates.get("b")?.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["a", "b", "c"]);
    for (const g of gates.values()) g.open();
    expect(await runner.drain()).toBe(true);
    expect(started).toEqual(["a", "b", "c", "d"]);
    expect(runner.size).toBe(0);
  });

  test("a duplicate of queued or running work is not accepted", async () => {
    const runner = new JobRunner(silentLog, 1);
    const g = gate();
    let runs = 0;
    const work = async (): Promise<void> => {
      runs++;
      await g.promise;
    };
    expect(runner.submit("x", work)).toBe(true);
    expect(runner.submit("y", work)).toBe(true);
    expect(runner.submit("x", work)).toBe(false); // running
    expect(runner.submit("y", work)).toBe(false); // queued
    g.open();
    await runner.drain();
    expect(runs).toBe(2);
  });

  test("a failing job is logged and does not stop the others", async () => {
    const runner = new JobRunner(silentLog, 1);
    let ran = false;
    runner.submit("bad", async () => {
      throw new Error("bug");
    });
    runner.submit("good", async () => {
      ran = true;
    });
    await runner.drain();
    expect(ran).toBe(true);
  });

  test("work submitted by running work is waited for too", async () => {
    const runner = new JobRunner(silentLog, 1);
    let inner = false;
    runner.submit("outer", async () => {
      runner.submit("inner", async () => {
        inner = true;
      });
    });
    await runner.drain();
    expect(inner).toBe(true);
  });

  test("drain with stop refuses new work and reports a timeout as false", async () => {
    const runner = new JobRunner(silentLog, 1);
    const g = gate();
    runner.submit("slow", () => g.promise);
    expect(await runner.drain({ stop: true, timeoutMs: 10 })).toBe(false);
    expect(runner.submit("late", async () => undefined)).toBe(false);
    g.open();
    expect(await runner.drain()).toBe(true);
  });
});
