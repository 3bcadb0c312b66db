/**
 * Checks API: create/update check runs with GitHub's validation (required fields, status/conclusion
 * values, at most 50 annotations per request, annotation fields, text limits, at most 3 actions), and
 * annotations that APPEND across updates. Reads: one run, its annotations, the runs on a ref.
 */
import { annotationJson, checkRunJson } from "./representations.js";
import type { Reply, RequestContext, Route } from "./router.js";
import { HttpError, accessibleRepo, intParam, notFound, ok, paginate, requirePermission, validationFailed } from "./router.js";
import type { AnnotationRecord, CheckRunAction, CheckRunRecord, RepoRecord } from "./state.js";
import { nowIso } from "./state.js";

const STATUSES = ["queued", "in_progress", "completed"];
/** Only GitHub Actions may set these; an app gets a 422. */
const ACTIONS_ONLY_STATUSES = ["waiting", "requested", "pending"];
const CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"];
const LEVELS = ["notice", "warning", "failure"];
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_OUTPUT_CHARS = 65535;
const MAX_ANNOTATION_TEXT_BYTES = 64 * 1024;
const MAX_TITLE_CHARS = 255;

type Problem = { field: string; code: string; message: string };

function isIsoTime(value: unknown): value is string {
  return (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

const isPositiveInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1;

function validateAnnotation(a: unknown, i: number, problems: Problem[]): AnnotationRecord | undefined {
  const at = `output.annotations[${i}]`;
  if (typeof a !== "object" || a === null) {
    problems.push({ field: at, code: "invalid", message: `${at} is not an object` });
    return undefined;
  }
  const r = a as Record<string, unknown>;
  const before = problems.length;
  for (const f of ["path", "message"]) {
    if (typeof r[f] !== "string" || r[f] === "")
      problems.push({ field: `${at}.${f}`, code: "missing_field", message: `${at}.${f} is required` });
  }
  for (const f of ["start_line", "end_line"]) {
    if (!isPositiveInt(r[f]))
      problems.push({ field: `${at}.${f}`, code: "missing_field", message: `${at}.${f} must be a positive integer` });
  }
  if (typeof r.annotation_level !== "string" || !LEVELS.includes(r.annotation_level)) {
    problems.push({
      field: `${at}.annotation_level`,
      code: "invalid",
      message: `${at}.annotation_level must be one of ${LEVELS.join(", ")}`,
    });
  }
  for (const f of ["start_column", "end_column"]) {
    if (r[f] === undefined || r[f] === null) continue;
    if (!isPositiveInt(r[f])) problems.push({ field: `${at}.${f}`, code: "invalid", message: `${at}.${f} must be a positive integer` });
    else if (r.start_line !== r.end_line) {
      problems.push({ field: `${at}.${f}`, code: "invalid", message: `${at}.${f} is only allowed when start_line and end_line are equal` });
    }
  }
  if (r.title !== undefined && r.title !== null) {
    if (typeof r.title !== "string") problems.push({ field: `${at}.title`, code: "invalid", message: `${at}.title must be a string` });
    else if ([...r.title].length > MAX_TITLE_CHARS)
      problems.push({ field: `${at}.title`, code: "too_long", message: `${at}.title is longer than ${MAX_TITLE_CHARS} characters` });
  }
  for (const f of ["message", "raw_details"]) {
    const v = r[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") problems.push({ field: `${at}.${f}`, code: "invalid", message: `${at}.${f} must be a string` });
    else if (Buffer.byteLength(v) > MAX_ANNOTATION_TEXT_BYTES)
      problems.push({ field: `${at}.${f}`, code: "too_long", message: `${at}.${f} is larger than 64 KB` });
  }
  if (problems.length > before) return undefined;
  const out: AnnotationRecord = {
    path: r.path as string,
    start_line: r.start_line as number,
    end_line: r.end_line as number,
    annotation_level: r.annotation_level as AnnotationRecord["annotation_level"],
    message: r.message as string,
  };
  if (typeof r.start_column === "number") out.start_column = r.start_column;
  if (typeof r.end_column === "number") out.end_column = r.end_column;
  if (typeof r.title === "string") out.title = r.title;
  if (typeof r.raw_details === "string") out.raw_details = r.raw_details;
  return out;
}

interface ValidUpdate {
  name?: string;
  headSha?: string;
  detailsUrl?: string;
  externalId?: string;
  status?: string;
  conclusion?: string;
  startedAt?: string;
  completedAt?: string;
  output?: { title: string; summary: string; text?: string; annotations: AnnotationRecord[] };
  actions?: CheckRunAction[];
}

function validateBody(body: unknown, creating: boolean): ValidUpdate {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "Problems parsing JSON");
  const b = body as Record<string, unknown>;
  const problems: Problem[] = [];
  const out: ValidUpdate = {};
  const optionalString = (f: string): string | undefined => {
    if (b[f] === undefined || b[f] === null) return undefined;
    if (typeof b[f] !== "string") problems.push({ field: f, code: "invalid", message: `${f} must be a string` });
    return typeof b[f] === "string" ? (b[f] as string) : undefined;
  };

  const name = optionalString("name");
  if (name !== undefined) {
    if (name.trim() === "") problems.push({ field: "name", code: "missing_field", message: "name can't be blank" });
    out.name = name;
  } else if (creating) problems.push({ field: "name", code: "missing_field", message: "name is required" });
  if (creating) {
    const headSha = optionalString("head_sha");
    if (headSha === undefined) problems.push({ field: "head_sha", code: "missing_field", message: "head_sha is required" });
    else out.headSha = headSha;
  }
  const detailsUrl = optionalString("details_url");
  if (detailsUrl !== undefined) out.detailsUrl = detailsUrl;
  const externalId = optionalString("external_id");
  if (externalId !== undefined) out.externalId = externalId;

  const status = optionalString("status");
  if (status !== undefined) {
    if (ACTIONS_ONLY_STATUSES.includes(status))
      problems.push({ field: "status", code: "invalid", message: `status ${status} can only be set by GitHub Actions` });
    else if (!STATUSES.includes(status))
      problems.push({ field: "status", code: "invalid", message: `status must be one of ${STATUSES.join(", ")}` });
    else out.status = status;
  }
  const conclusion = optionalString("conclusion");
  if (conclusion !== undefined) {
    if (!CONCLUSIONS.includes(conclusion))
      problems.push({ field: "conclusion", code: "invalid", message: `conclusion must be one of ${CONCLUSIONS.join(", ")}` });
    else out.conclusion = conclusion;
  }
  for (const [field, key] of [
    ["started_at", "startedAt"],
    ["completed_at", "completedAt"],
  ] as const) {
    if (b[field] === undefined || b[field] === null) continue;
    if (!isIsoTime(b[field])) problems.push({ field, code: "invalid", message: `${field} must be an ISO 8601 timestamp` });
    else out[key] = new Date(b[field] as string).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  // "conclusion: Required if you provide completed_at or a status of completed."
  if ((status === "completed" || b.completed_at !== undefined) && conclusion === undefined) {
    problems.push({
      field: "conclusion",
      code: "missing_field",
      message: "conclusion is required when status is completed or completed_at is given",
    });
  }

  if (b.output !== undefined && b.output !== null) {
    const o = b.output as Record<string, unknown>;
    if (typeof o !== "object" || Array.isArray(o)) problems.push({ field: "output", code: "invalid", message: "output must be an object" });
    else {
      for (const f of ["title", "summary"]) {
        if (typeof o[f] !== "string") problems.push({ field: `output.${f}`, code: "missing_field", message: `output.${f} is required` });
      }
      for (const f of ["summary", "text"]) {
        if (typeof o[f] === "string" && (o[f] as string).length > MAX_OUTPUT_CHARS) {
          problems.push({ field: `output.${f}`, code: "too_long", message: `output.${f} is longer than ${MAX_OUTPUT_CHARS} characters` });
        }
      }
      if (o.text !== undefined && o.text !== null && typeof o.text !== "string")
        problems.push({ field: "output.text", code: "invalid", message: "output.text must be a string" });
      const annotations: AnnotationRecord[] = [];
      if (o.annotations !== undefined && o.annotations !== null) {
        if (!Array.isArray(o.annotations))
          problems.push({ field: "output.annotations", code: "invalid", message: "output.annotations must be an array" });
        else if (o.annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
          problems.push({
            field: "output.annotations",
            code: "too_many",
            message: `Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request`,
          });
        } else {
          o.annotations.forEach((a, i) => {
            const valid = validateAnnotation(a, i, problems);
            if (valid) annotations.push(valid);
          });
        }
      }
      if (o.images !== undefined && o.images !== null && !Array.isArray(o.images))
        problems.push({ field: "output.images", code: "invalid", message: "output.images must be an array" });
      if (typeof o.title === "string" && typeof o.summary === "string") {
        out.output = { title: o.title, summary: o.summary, annotations, ...(typeof o.text === "string" ? { text: o.text } : {}) };
      }
    }
  }

  if (b.actions !== undefined && b.actions !== null) {
    if (!Array.isArray(b.actions)) problems.push({ field: "actions", code: "invalid", message: "actions must be an array" });
    else if (b.actions.length > 3) problems.push({ field: "actions", code: "too_many", message: "At most 3 actions are allowed" });
    else {
      const actions: CheckRunAction[] = [];
      b.actions.forEach((a: unknown, i: number) => {
        const r = (typeof a === "object" && a !== null ? a : {}) as Record<string, unknown>;
        const limits: Array<[string, number]> = [
          ["label", 20],
          ["description", 40],
          ["identifier", 20],
        ];
        let valid = true;
        for (const [f, max] of limits) {
          if (typeof r[f] !== "string" || r[f] === "") {
            problems.push({ field: `actions[${i}].${f}`, code: "missing_field", message: `actions[${i}].${f} is required` });
            valid = false;
          } else if ([...(r[f] as string)].length > max) {
            problems.push({
              field: `actions[${i}].${f}`,
              code: "too_long",
              message: `actions[${i}].${f} is longer than ${max} characters`,
            });
            valid = false;
          }
        }
        if (valid) actions.push({ label: r.label as string, description: r.description as string, identifier: r.identifier as string });
      });
      out.actions = actions;
    }
  }
  if (problems.length > 0) throw validationFailed(problems.map((p) => ({ resource: "CheckRun", ...p })));
  return out;
}

function apply(run: CheckRunRecord, update: ValidUpdate): void {
  if (update.name !== undefined) run.name = update.name;
  if (update.detailsUrl !== undefined) run.detailsUrl = update.detailsUrl;
  if (update.externalId !== undefined) run.externalId = update.externalId;
  if (update.startedAt !== undefined) run.startedAt = update.startedAt;
  if (update.status !== undefined) run.status = update.status;
  // "Providing conclusion will automatically set the status parameter to completed."
  if (update.conclusion !== undefined) {
    run.conclusion = update.conclusion;
    run.status = "completed";
  }
  if (update.completedAt !== undefined) run.completedAt = update.completedAt;
  else if (run.status === "completed" && run.completedAt === null) run.completedAt = nowIso();
  if (update.output) {
    run.output = { title: update.output.title, summary: update.output.summary, text: update.output.text ?? run.output.text };
    run.annotations.push(...update.output.annotations);
  }
  if (update.actions) run.actions = update.actions;
}

function runOf(ctx: RequestContext, repo: RepoRecord): CheckRunRecord {
  const run = ctx.state.checkRuns.get(intParam(ctx.params.check_run_id));
  if (!run || run.repo.toLowerCase() !== repo.fullName.toLowerCase()) throw notFound();
  return run;
}

function createCheckRun(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["checks", "write"]]);
  const update = validateBody(ctx.body, true);
  const headSha = (update.headSha as string).toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(headSha) || !ctx.state.commitIn(repo, headSha))
    throw new HttpError(422, `No commit found for SHA: ${update.headSha}`);
  const suite = ctx.state.suiteFor(repo, headSha);
  const run: CheckRunRecord = {
    id: ctx.state.nextId(),
    repo: repo.fullName,
    headSha,
    name: update.name as string,
    status: "queued",
    conclusion: null,
    startedAt: nowIso(),
    completedAt: null,
    detailsUrl: null,
    externalId: "",
    output: { title: null, summary: null, text: null },
    annotations: [],
    actions: [],
    checkSuiteId: suite.id,
    appId: ctx.state.app.id,
    updates: 0,
  };
  apply(run, update);
  ctx.state.checkRuns.set(run.id, run);
  suite.updatedAt = nowIso();
  ctx.state.events.emit("check_run", run, "created");
  return ok(checkRunJson(ctx.state, run), 201);
}

function updateCheckRun(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["checks", "write"]]);
  const run = runOf(ctx, repo);
  if (run.appId !== ctx.state.app.id) throw new HttpError(403, "Invalid app_id");
  const update = validateBody(ctx.body, false);
  const wasCompleted = run.status === "completed";
  apply(run, update);
  run.updates++;
  ctx.state.events.emit("check_run", run, !wasCompleted && run.status === "completed" ? "completed" : "updated");
  return ok(checkRunJson(ctx.state, run));
}

/** GitHub's default filter: the most recent run per name. */
function latestPerName(runs: CheckRunRecord[]): CheckRunRecord[] {
  const latest = new Map<string, CheckRunRecord>();
  for (const r of runs) {
    const seen = latest.get(r.name);
    if (!seen || r.id > seen.id) latest.set(r.name, r);
  }
  return runs.filter((r) => latest.get(r.name) === r);
}

export function checkRoutes(): Route[] {
  return [
    { method: "POST", pattern: "/repos/:owner/:repo/check-runs", auth: "installation", handler: createCheckRun },
    { method: "PATCH", pattern: "/repos/:owner/:repo/check-runs/:check_run_id", auth: "installation", handler: updateCheckRun },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/check-runs/:check_run_id",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [["checks", "read"]]);
        return ok(checkRunJson(ctx.state, runOf(ctx, repo)));
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/check-runs/:check_run_id/annotations",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [["checks", "read"]]);
        const run = runOf(ctx, repo);
        const page = paginate(run.annotations, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/check-runs/${run.id}/annotations`);
        return ok(
          page.items.map((a) => annotationJson(ctx.state, run, a)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/commits/:ref/check-runs",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [["checks", "read"]]);
        const sha = ctx.state.resolveRef(repo, ctx.params.ref as string);
        if (!sha) throw new HttpError(422, `No commit found for SHA: ${ctx.params.ref}`);
        let runs = ctx.state.checkRunsFor(repo.fullName, sha);
        if ((ctx.query.get("filter") ?? "latest") === "latest") runs = latestPerName(runs);
        const name = ctx.query.get("check_name");
        if (name) runs = runs.filter((r) => r.name === name);
        const status = ctx.query.get("status");
        if (status) runs = runs.filter((r) => r.status === status);
        const appId = ctx.query.get("app_id");
        if (appId) runs = runs.filter((r) => String(r.appId) === appId);
        runs.sort((a, b) => b.id - a.id);
        const page = paginate(runs, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/commits/${sha}/check-runs`);
        return ok({ total_count: runs.length, check_runs: page.items.map((r) => checkRunJson(ctx.state, r)) }, 200, page.headers);
      },
    },
  ];
}
