/**
 * Reads one policy document (kube-policy-bot `PodSecurity`, Gatekeeper constraints, Kyverno
 * `ClusterPolicy`/`Policy`) and validates it: the envelope (metadata, enforcement action, match)
 * with the document reader's schema, the parameters with the kind's own.
 * Every problem is reported with file, line and what is wrong: a policy that silently does nothing
 * is worse than one that fails to load.
 */
import { DocumentReader } from "../documents/reader.js";
import { any, choice, hint, list, mapOf, mapping, string, type Issue } from "../documents/schema.js";
import type { JsonObject, JsonValue, SourceDocument, InputError } from "../manifests/types.js";
import { closest } from "../text/suggest.js";
import { isKyvernoPolicyDocument, KYVERNO_KINDS, readKyvernoPolicy } from "./kyverno/index.js";
import type { CompileEnvironment, EnforcementAction, LabelSelector, MatchSpec, Policy, PolicyKind } from "./types.js";
import { isObject } from "../manifests/json.js";
import { strongerAction } from "./actions.js";

export interface PolicySource {
  file: string;
  content: string | Uint8Array;
}

/**
 * The names a `scoped` enforcement action answers to. Gatekeeper calls shift-left evaluation
 * `gator.gatekeeper.sh`; a pull-request gate is exactly that, so a constraint copied from a cluster
 * behaves here as it does in gator. Our own name lets an org scope an action to this tool alone.
 */
export const ENFORCEMENT_POINTS: readonly string[] = ["kube-policy-bot.dev", "gator.gatekeeper.sh", "*"];

const ACTIONS: readonly EnforcementAction[] = ["deny", "warn", "dryrun"];

/** A Kubernetes `LabelSelector`. */
const SELECTOR = mapping({
  matchLabels: mapOf(string({ describe: "a string (quote it)" })),
  matchExpressions: list(
    mapping(
      {
        key: string({ pattern: /./, describe: "a label key" }),
        operator: choice(["In", "NotIn", "Exists", "DoesNotExist"]),
        values: list(string()),
      },
      {
        required: ["key", "operator"],
        check: (expression: JsonObject, name): Issue[] => {
          const values = Array.isArray(expression["values"]) ? expression["values"] : [];
          const operator = String(expression["operator"]);
          if ((operator === "In" || operator === "NotIn") && values.length === 0)
            return [{ code: "empty", message: `${name}: operator ${operator} needs a non-empty values list` }];
          if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0)
            return [{ path: ["values"], message: `${name}: operator ${operator} takes no values` }];
          return [];
        },
      },
    ),
  ),
});

/**
 * A Gatekeeper constraint's `spec.match` (the fields Gatekeeper's match documentation lists). Unknown
 * fields are errors: the API server would prune them, so a typo'd `excludedNamespace` would silently
 * match everything.
 */
const MATCH = mapping({
  kinds: list(mapping({ apiGroups: list(string()), kinds: list(string()) }), { describe: "a list of {apiGroups: [...], kinds: [...]}" }),
  namespaces: list(string()),
  excludedNamespaces: list(string()),
  labelSelector: SELECTOR,
  namespaceSelector: SELECTOR,
  name: string(),
  scope: choice(["*", "Cluster", "Namespaced"]),
  source: choice(["All", "Original", "Generated"]),
});

/** The envelope every policy kind of ours and every Gatekeeper constraint share; `parameters` are the kind's. */
const ENVELOPE = mapping(
  {
    apiVersion: any, // checked against the kind first
    kind: any,
    metadata: mapping(
      { name: string({ pattern: /./, describe: "a name", hint: "every policy needs a name" }) },
      { required: ["name"], additional: any },
    ),
    spec: mapping(
      {
        enforcementAction: choice([...ACTIONS, "scoped"]),
        scopedEnforcementActions: list(
          mapping(
            {
              action: choice(ACTIONS),
              // Upstream EnforcementPoint has only a name; other fields are left to Gatekeeper.
              enforcementPoints: list(mapping({ name: string() }, { required: ["name"], additional: any }), {
                describe: "a list of {name: ...}",
              }),
            },
            { required: ["action", "enforcementPoints"] },
          ),
        ),
        match: MATCH,
        parameters: any, // the kind's schema
      },
      {
        check: (spec: JsonObject): Issue[] => {
          const scoped = spec["scopedEnforcementActions"];
          const listed = Array.isArray(scoped) && scoped.length > 0;
          if (spec["enforcementAction"] === "scoped" && !listed) {
            return [
              {
                path: ["enforcementAction"],
                code: "missing-required",
                message: "enforcementAction: scoped needs a non-empty scopedEnforcementActions list",
              },
            ];
          }
          if (spec["enforcementAction"] !== "scoped" && scoped !== undefined && scoped !== null) {
            return [
              {
                path: ["scopedEnforcementActions"],
                code: "not-allowed-here",
                message: "scopedEnforcementActions needs enforcementAction: scoped",
              },
            ];
          }
          return [];
        },
      },
    ),
    status: any,
  },
  { required: ["metadata"] },
);

/** Document kinds that may sit beside policies and are not policies themselves. */
const CONSTRAINT_TEMPLATE_API = "templates.gatekeeper.sh/";

export interface DocumentResult {
  policy?: Policy;
  /** False when a `scoped` action names no enforcement point we answer to. */
  active: boolean;
  errors: InputError[];
}

/** One policy document read and validated (policy files are read by config/policy-files.ts). */
export function readPolicyDocument(
  file: string,
  document: SourceDocument,
  kinds: ReadonlyMap<string, PolicyKind>,
  /** Kinds other readers take from the same files: offered by did-you-mean, never reported unknown here. */
  companionKinds: readonly string[] = [],
  /** What the policy is compiled with besides its parameters (the cluster's Pod Security configuration). */
  environment: CompileEnvironment = {},
): DocumentResult {
  const reader = DocumentReader.of(file, document, "the document");
  const done = (): DocumentResult => ({ active: false, errors: reader.problems });

  const root = reader.root;
  if (document.value === null) return done(); // an empty document, e.g. a trailing `---`
  if (!root) {
    reader.fail([], "a policy document must be a mapping with apiVersion, kind, metadata and spec", "not-a-mapping");
    return done();
  }
  const supported = [...kinds.keys(), ...KYVERNO_KINDS.map((name) => `${name} (kyverno.io)`)].sort().join(", ");
  const apiVersion = root["apiVersion"];
  const kind = root["kind"];
  if (typeof apiVersion !== "string" || apiVersion === "") reader.fail(["apiVersion"], "missing apiVersion", "missing-required");
  if (typeof kind !== "string" || kind === "") {
    reader.fail(["kind"], `missing kind; supported kinds: ${supported}`, "missing-required");
    return done();
  }
  if (typeof apiVersion !== "string") return done();

  if (apiVersion.startsWith(CONSTRAINT_TEMPLATE_API) && kind === "ConstraintTemplate") {
    readConstraintTemplate(reader, root, kinds, supported);
    return done();
  }

  if (isKyvernoPolicyDocument(apiVersion, kind)) {
    const kyverno = readKyvernoPolicy(file, document);
    return kyverno.policy ? { policy: kyverno.policy, active: true, errors: kyverno.errors } : { active: false, errors: kyverno.errors };
  }

  const handler = kinds.get(kind);
  if (!handler) {
    const suggestion = closest(kind, [...kinds.keys(), ...companionKinds]);
    reader.fail(["kind"], `unknown policy kind "${kind}"${hint(suggestion)}; supported kinds: ${supported}`, "unknown-kind", suggestion);
    return done();
  }
  if (!handler.apiVersions.includes(apiVersion)) {
    reader.fail(
      ["apiVersion"],
      `kind ${kind} needs apiVersion ${handler.apiVersions.join(" or ")}, not "${apiVersion}"`,
      "wrong-api-version",
    );
  }
  const envelope = reader.check(ENVELOPE, root);
  if (root["spec"] !== undefined && root["spec"] !== null && !isObject(root["spec"])) return done();

  // Parameters are checked even when the envelope is not, so one round of fixes covers both.
  const metadata = root["metadata"];
  const name = isObject(metadata) && typeof metadata["name"] === "string" ? metadata["name"] : "";
  const spec = isObject(root["spec"]) ? root["spec"] : {};
  const compiled = handler.compile(spec["parameters"], environment);
  if ("errors" in compiled) {
    for (const error of compiled.errors) {
      const path = spec["parameters"] === undefined ? ["spec"] : ["spec", "parameters", ...error.path];
      reader.fail(path, `${name ? `${kind} "${name}"` : kind}: ${error.message}`, error.code ?? "invalid-value", error.suggestion);
    }
  }
  if (!envelope || reader.problems.length > 0 || "errors" in compiled) return done();

  // The envelope held: metadata.name is a non-empty string, spec a mapping of the declared shapes.
  const action = enforcementAction(spec);
  const policy: Policy = {
    apiVersion,
    kind,
    name,
    file,
    range: document.locate([]),
    enforcementAction: action ?? "dryrun",
    match: matchSpec(spec["match"]),
    parameters: spec["parameters"],
    target: handler.target,
    evaluate: compiled.evaluator,
  };
  if (compiled.describeNamespace) policy.describeNamespace = compiled.describeNamespace;
  return { policy, active: action !== undefined, errors: [] };
}

/**
 * A ConstraintTemplate copied along with its constraints is accepted when we implement its kind
 * natively (the Rego is not run); one we do not implement is an error, never a silent pass.
 */
function readConstraintTemplate(reader: DocumentReader, root: JsonObject, kinds: ReadonlyMap<string, PolicyKind>, supported: string): void {
  const path = ["spec", "crd", "spec", "names", "kind"];
  let value: JsonValue | undefined = root;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  if (typeof value !== "string" || !kinds.has(value)) {
    const what = typeof value === "string" ? `"${value}"` : "an unnamed kind";
    reader.fail(
      typeof value === "string" ? path : [],
      `ConstraintTemplate for ${what} is not supported: kube-policy-bot implements constraint kinds natively and does not run Rego; supported kinds: ${supported}`,
      "unsupported",
    );
  }
}

/**
 * The action of a validated spec. `undefined` means: scoped to enforcement points we do not answer
 * to, so the policy is inactive here; with several that apply, the strictest wins.
 */
function enforcementAction(spec: JsonObject): EnforcementAction | undefined {
  const value = (spec["enforcementAction"] ?? "deny") as EnforcementAction | "scoped";
  if (value !== "scoped") return value;
  let chosen: EnforcementAction | undefined;
  for (const entry of spec["scopedEnforcementActions"] as JsonObject[]) {
    const action = entry["action"] as EnforcementAction;
    const points = (entry["enforcementPoints"] as JsonObject[]).map((point) => point["name"] as string);
    if (!points.some((point) => ENFORCEMENT_POINTS.includes(point))) continue;
    chosen = chosen === undefined ? action : strongerAction(chosen, action);
  }
  return chosen;
}

/** The `MatchSpec` of a validated `spec.match`. */
function matchSpec(value: JsonValue | undefined): MatchSpec {
  if (!isObject(value)) return {};
  const match: MatchSpec = {};
  const kinds = value["kinds"];
  if (Array.isArray(kinds)) {
    match.kinds = (kinds as JsonObject[]).map((entry) => ({ apiGroups: strings(entry["apiGroups"]), kinds: strings(entry["kinds"]) }));
  }
  if (Array.isArray(value["namespaces"])) match.namespaces = strings(value["namespaces"]);
  if (Array.isArray(value["excludedNamespaces"])) match.excludedNamespaces = strings(value["excludedNamespaces"]);
  const labelSelector = selector(value["labelSelector"]);
  if (labelSelector) match.labelSelector = labelSelector;
  const namespaceSelector = selector(value["namespaceSelector"]);
  if (namespaceSelector) match.namespaceSelector = namespaceSelector;
  if (typeof value["name"] === "string") match.name = value["name"];
  if (typeof value["scope"] === "string") match.scope = value["scope"] as MatchSpec["scope"];
  return match;
}

function selector(value: JsonValue | undefined): LabelSelector | undefined {
  if (!isObject(value)) return undefined;
  const result: LabelSelector = {};
  if (isObject(value["matchLabels"])) result.matchLabels = value["matchLabels"] as Record<string, string>;
  if (Array.isArray(value["matchExpressions"])) {
    result.matchExpressions = (value["matchExpressions"] as JsonObject[]).map((expression) => ({
      key: expression["key"] as string,
      operator: expression["operator"] as "In" | "NotIn" | "Exists" | "DoesNotExist",
      values: strings(expression["values"]),
    }));
  }
  return result;
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? (value as string[]) : [];
}
