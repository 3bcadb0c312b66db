/** Which head of a pull request is the newest, from webhooks that may arrive out of order. */
import { describe, expect, test } from "@jest/globals";
import { HeadTracker } from "../../src/app/head-tracker.js";
import { DeliveryLog } from "../../src/app/delivery-log.js";

const REPO = "acme/shop";
const [A, B, C] = ["a".repeat(40), "b".repeat(40), "c".repeat(40)];

describe("HeadTracker", () => {
  test("a later updated_at wins; an earlier one arriving late does not", () => {
    const heads = new HeadTracker();
    heads.observe(REPO, 1, B, "2025-06-01T10:05:00Z");
    heads.observe(REPO, 1, A, "2025-06-01T10:01:00Z");
    expect([heads.isSuperseded(REPO, 1, A), heads.isSuperseded(REPO, 1, B)]).toEqual([true, false]);
  });

  test("same second: the `before` chain orders them, whatever the arrival order", () => {
    const heads = new HeadTracker();
    const t = "2025-06-01T10:00:00Z";
    heads.observe(REPO, 1, C, t, B); // C replaced B
    heads.observe(REPO, 1, B, t, A); // B replaced A, arriving late
    expect([heads.isSuperseded(REPO, 1, B), heads.isSuperseded(REPO, 1, C)]).toEqual([true, false]);
  });

  test("a force-push back to a replaced commit makes it the head again (strictly later updated_at)", () => {
    const heads = new HeadTracker();
    heads.observe(REPO, 1, B, "2025-06-01T10:00:00Z", A);
    heads.observe(REPO, 1, A, "2025-06-01T10:02:00Z", B);
    expect([heads.isSuperseded(REPO, 1, A), heads.isSuperseded(REPO, 1, B)]).toEqual([false, true]);
  });

  test("pull requests are independent, repositories are case-insensitive, and the map is bounded", () => {
    const heads = new HeadTracker(2);
    heads.observe("Acme/Shop", 1, A, undefined);
    heads.observe(REPO, 2, B, undefined);
    expect(heads.isSuperseded(REPO, 1, B)).toBe(true);
    heads.observe(REPO, 3, C, undefined);
    expect(heads.isSuperseded(REPO, 1, B)).toBe(false); // forgotten: unknown means "not superseded"
  });
});

describe("DeliveryLog", () => {
  test("a delivery id is taken once; a released one can be taken again; the oldest ids are forgotten", () => {
    const log = new DeliveryLog(2);
    expect([log.claim("d1"), log.claim("d1")]).toEqual([true, false]);
    log.release("d1");
    expect(log.claim("d1")).toBe(true);
    log.claim("d2");
    log.claim("d3");
    expect(log.claim("d1")).toBe(true);
  });
});
