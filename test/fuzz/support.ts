/**
 * Shared by the fuzz tests: the shipped policies, what a file's findings are, violating workloads as
 * fast-check arbitraries, and a YAML writer that spells the same object in many semantically equal
 * ways (quoting, flow and block style, anchors and aliases, merge keys, comments, line ends, BOM, key
 * order, YAML 1.1 spellings of booleans and integers, JSON).
 *
 * "Semantically equal" means: what sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 scalars) reads is the same
 * JSON object. Every choice below keeps that true, and says why where it is not obvious.
 */
import fc from "fast-check";
import { loadManifestFile } from "../../src/manifests/load.js";
import type { JsonObject, JsonValue, LoadedFile } from "../../src/manifests/types.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { defaultPolicySources } from "../../src/policy/shipped.js";
import type { Policy } from "../../src/policy/types.js";
import { seededRandom } from "../../emulator/faults.js";

export async function shippedPolicies(): Promise<Policy[]> {
  const loaded = loadPolicies(await defaultPolicySources());
  if (loaded.errors.length > 0) throw new Error(`shipped policies do not load: ${JSON.stringify(loaded.errors[0])}`);
  return loaded.policies;
}

/** Every finding of a file as "policy/rule action kind/name", sorted: positions left out. */
export function findingsOf(loaded: LoadedFile, policies: readonly Policy[]): string[] {
  return evaluate([loaded], policies)
    .findings.map(
      (finding) =>
        `${finding.policy}/${finding.rule} ${finding.action} ${finding.resource.kind}/${finding.resource.name}${finding.container ? ` ${finding.container}` : ""}`,
    )
    .sort();
}

export function load(text: string | Uint8Array, file = "fuzz.yaml"): LoadedFile {
  return loadManifestFile(file, text);
}

// ---- violating workloads ---------------------------------------------------------------------------

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const image = fc.constantFrom("alpine", "busybox:1.36", "registry.example.com/team/app:1.0.0", "nginx@sha256:" + "a".repeat(64));

/** A baseline violation and where it goes. */
type Violation = "privileged" | "hostPID" | "hostNetwork" | "hostPath" | "sysAdmin" | "hostPort";
const violation = fc.constantFrom<Violation>("privileged", "hostPID", "hostNetwork", "hostPath", "sysAdmin", "hostPort");

function container(containerName: string, img: string, violations: readonly Violation[], port: number): JsonObject {
  const securityContext: JsonObject = { allowPrivilegeEscalation: false };
  if (violations.includes("privileged")) securityContext["privileged"] = true;
  if (violations.includes("sysAdmin")) securityContext["capabilities"] = { add: ["SYS_ADMIN"], drop: ["ALL"] };
  const result: JsonObject = { name: containerName, image: img, securityContext };
  result["ports"] = [violations.includes("hostPort") ? { containerPort: port, hostPort: port } : { containerPort: port }];
  if (violations.includes("hostPath")) result["volumeMounts"] = [{ name: "host", mountPath: "/host" }];
  return result;
}

function podSpec(containers: JsonObject[], violations: readonly Violation[]): JsonObject {
  const spec: JsonObject = { containers };
  if (violations.includes("hostPID")) spec["hostPID"] = true;
  if (violations.includes("hostNetwork")) spec["hostNetwork"] = true;
  if (violations.includes("hostPath")) spec["volumes"] = [{ name: "host", hostPath: { path: "/", type: "Directory" } }];
  return spec;
}

/** A Pod, Deployment, DaemonSet or CronJob with at least one baseline violation. */
export const violatingWorkload: fc.Arbitrary<JsonObject> = fc
  .record({
    kind: fc.constantFrom("Pod", "Deployment", "DaemonSet", "CronJob"),
    name,
    namespace: fc.option(name, { nil: undefined }),
    violations: fc.uniqueArray(violation, { minLength: 1, maxLength: 3 }),
    containers: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
    image,
    port: fc.integer({ min: 1, max: 65535 }),
    labels: fc.dictionary(
      fc.stringMatching(/^[a-z]{1,8}$/),
      fc.oneof(name, fc.constantFrom("yes", "on", "true", "0755", "1e3", "0x1F", "~", "null", "")),
      { maxKeys: 3 },
    ),
  })
  .map(({ kind, name: objectName, namespace, violations, containers, image: img, port, labels }): JsonObject => {
    const spec = podSpec(
      containers.map((containerName, index) => container(containerName, img, index === 0 ? violations : [], port)),
      violations,
    );
    const metadata: JsonObject = {
      name: objectName,
      ...(namespace ? { namespace } : {}),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
    };
    const template: JsonObject = { metadata: { labels: { app: objectName } }, spec };
    switch (kind) {
      case "Pod":
        return { apiVersion: "v1", kind, metadata, spec };
      case "CronJob":
        return {
          apiVersion: "batch/v1",
          kind,
          metadata,
          spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } } as JsonObject,
        };
      default:
        return { apiVersion: "apps/v1", kind, metadata, spec: { selector: { matchLabels: { app: objectName } }, template } };
    }
  });

// ---- the YAML writer ---------------------------------------------------------------------------------

export interface Spelling {
  seed: number;
  indent: 2 | 3 | 4;
  newline: "\n" | "\r\n";
  bom: boolean;
  json: boolean;
  /** Chance that a collection is written in flow style (and all below it). */
  flow: number;
  anchors: boolean;
  merges: boolean;
  comments: boolean;
  shuffleKeys: boolean;
  /** Empty documents and markers around the object. */
  documentNoise: boolean;
  /** Sequences under a key start at the key's column ("- " not indented). */
  compactSequences: boolean;
}

export const spelling: fc.Arbitrary<Spelling> = fc.record({
  seed: fc.integer(),
  indent: fc.constantFrom<2 | 3 | 4>(2, 3, 4),
  newline: fc.constantFrom<"\n" | "\r\n">("\n", "\r\n"),
  bom: fc.boolean(),
  json: fc.constantFrom(false, false, false, true),
  flow: fc.constantFrom(0, 0.1, 0.3, 1),
  anchors: fc.boolean(),
  merges: fc.boolean(),
  comments: fc.boolean(),
  shuffleKeys: fc.boolean(),
  documentNoise: fc.boolean(),
  compactSequences: fc.boolean(),
});

/** Words go-yaml v2 reads as something else than a string when plain (resolve.go's map, any case to be safe). */
const SPECIAL_WORDS = new Set(["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ""]);
const TRUE_SPELLINGS = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"];
const FALSE_SPELLINGS = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"];
const NULL_SPELLINGS = ["null", "Null", "NULL", "~"];

/** A string that a plain scalar keeps as this very string: no indicator, no number, no special word. */
function plainSafe(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text) && !SPECIAL_WORDS.has(text.toLowerCase()) && !/^[-+]?(\.?[0-9]|\.inf|\.nan)/i.test(text);
}

/** A node as written: on the line of its key or dash, or as lines below it. */
type Written = { inline: string } | { literal: string; anchor?: string } | { header: string; lines: string[] };

class Writer {
  private readonly rng: () => number;
  private readonly anchors = new Map<string, string>();
  private anchorCount = 0;

  constructor(private readonly style: Spelling) {
    this.rng = seededRandom(style.seed);
  }

  private chance(p: number): boolean {
    return this.rng() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)] as T;
  }

  private pad(level: number): string {
    return " ".repeat(level * this.style.indent);
  }

  /** An anchor for this node, or an alias when an identical node (same JSON) was anchored before. */
  private anchorOrAlias(value: JsonValue): { alias?: string; anchor?: string } {
    if (!this.style.anchors) return {};
    const key = JSON.stringify(value);
    const known = this.anchors.get(key);
    if (known && this.chance(0.7)) return { alias: `*${known}` };
    if (!this.chance(0.3)) return {};
    const anchor = `a${++this.anchorCount}`;
    this.anchors.set(key, anchor);
    return { anchor: `&${anchor}` };
  }

  /** A scalar's spelling; `literal` only where a block scalar may stand. */
  private scalar(value: JsonValue, inFlow: boolean): Written {
    if (value === null) return { inline: this.pick(NULL_SPELLINGS) };
    if (value === true) return { inline: this.pick(TRUE_SPELLINGS) };
    if (value === false) return { inline: this.pick(FALSE_SPELLINGS) };
    if (typeof value === "number") {
      if (!Number.isInteger(value) || value < 0) return { inline: String(value) };
      // go-yaml v2 ints: decimal, 0x hex, a leading 0 for octal, a + sign, and _ separators.
      return {
        inline: this.pick([
          String(value),
          `0x${value.toString(16)}`,
          value > 0 ? `0${value.toString(8)}` : "0",
          `+${value}`,
          String(value).replace(/\B(?=(\d{3})+$)/g, "_"),
        ]),
      };
    }
    const text = value as string;
    const styles: Written[] = [{ inline: JSON.stringify(text) }, { inline: `'${text.replace(/'/g, "''")}'` }];
    if (plainSafe(text)) styles.push({ inline: text }, { inline: text });
    // A literal block scalar with its final newline stripped (`|-`) holds exactly one plain line.
    if (!inFlow && /^[A-Za-z0-9_./][^\n]*[^\s]$/.test(text)) styles.push({ literal: text });
    return this.pick(styles);
  }

  private key(text: string): string {
    const styles = [JSON.stringify(text), `'${text.replace(/'/g, "''")}'`];
    if (plainSafe(text)) styles.push(text, text, text);
    return this.pick(styles);
  }

  private flow(value: JsonValue): string {
    const { alias, anchor } = this.anchorOrAlias(value);
    if (alias) return alias;
    const prefix = anchor ? `${anchor} ` : "";
    if (value === null || typeof value !== "object") return `${prefix}${(this.scalar(value, true) as { inline: string }).inline}`;
    if (Array.isArray(value)) return `${prefix}[${value.map((item) => this.flow(item)).join(", ")}]`;
    return `${prefix}{${this.entries(value)
      .map(([k, v]) => `${this.key(k)}: ${this.flow(v)}`)
      .join(", ")}}`;
  }

  private entries(value: JsonObject): Array<[string, JsonValue]> {
    const entries = Object.entries(value);
    if (!this.style.shuffleKeys) return entries;
    for (let index = entries.length - 1; index > 0; index--) {
      const other = Math.floor(this.rng() * (index + 1));
      [entries[index], entries[other]] = [entries[other] as [string, JsonValue], entries[index] as [string, JsonValue]];
    }
    return entries;
  }

  /** A node below a key or dash at `level`. */
  node(value: JsonValue, level: number, sequenceUnderKey = false): Written {
    const empty =
      value !== null && typeof value === "object" && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
    if (value === null || typeof value !== "object") {
      const { alias, anchor } = this.anchorOrAlias(value);
      if (alias) return { inline: alias };
      const written = this.scalar(value, false);
      if (!anchor) return written;
      return "inline" in written ? { inline: `${anchor} ${written.inline}` } : { ...(written as { literal: string }), anchor };
    }
    if (empty || this.chance(this.style.flow)) return { inline: this.flow(value) };
    const { alias, anchor } = this.anchorOrAlias(value);
    if (alias) return { inline: alias };
    // A sequence under a key may start at the key's own column.
    const at = sequenceUnderKey && this.style.compactSequences ? level - 1 : level;
    return { header: anchor ?? "", lines: Array.isArray(value) ? this.sequence(value, at) : this.mapping(value, at) };
  }

  private sequence(items: readonly JsonValue[], level: number): string[] {
    return items.flatMap((item) => this.entry(`${this.pad(level)}-`, item, level + 1, false));
  }

  mapping(value: JsonObject, level: number): string[] {
    const lines: string[] = [];
    let entries = this.entries(value);
    // A merge key: some entries move into `<<`. Its keys and the explicit ones are disjoint, so neither
    // precedence rule (explicit keys after `<<` win; a key before `<<` is refused) comes into play.
    if (this.style.merges && entries.length > 1 && this.chance(0.3)) {
      const moved = entries.filter(() => this.chance(0.5));
      if (moved.length > 0 && moved.length < entries.length) {
        entries = entries.filter((entry) => !moved.includes(entry));
        const half = Math.ceil(moved.length / 2);
        const sources = moved.length > 1 && this.chance(0.5) ? [moved.slice(0, half), moved.slice(half)] : [moved];
        const merged = sources.map((source) => this.flow(Object.fromEntries(source) as JsonObject));
        lines.push(`${this.pad(level)}<<: ${sources.length === 1 ? merged[0] : `[${merged.join(", ")}]`}`);
      }
    }
    for (const [k, v] of entries) {
      if (this.style.comments && this.chance(0.2))
        lines.push(`${this.pad(level)}# ${this.pick(["note", "privileged: false", "---", "key: value"])}`);
      lines.push(...this.entry(`${this.pad(level)}${this.key(k)}:`, v, level + 1, Array.isArray(v)));
    }
    return lines;
  }

  private entry(lead: string, value: JsonValue, level: number, sequenceUnderKey: boolean): string[] {
    const written = this.node(value, level, sequenceUnderKey);
    if ("inline" in written) return [`${lead} ${written.inline}${this.style.comments && this.chance(0.1) ? " # trailing" : ""}`];
    if ("literal" in written) return [`${lead} ${written.anchor ? `${written.anchor} ` : ""}|-`, `${this.pad(level)}${written.literal}`];
    return [written.header ? `${lead} ${written.header}` : lead, ...written.lines];
  }
}

/** One spelling of `document`: a YAML (or JSON) text that go-yaml v2 reads as exactly `document`. */
export function spell(document: JsonObject, style: Spelling): string {
  const body = style.json ? JSON.stringify(document, null, style.indent) : new Writer(style).mapping(document, 0).join("\n");
  const before = style.documentNoise ? "# generated\n---\n# an empty document\n---\n" : "";
  const after = style.documentNoise ? "\n...\n" : "\n";
  return `${style.bom ? "\uFEFF" : ""}${before}${body}${after}`.replace(/\n/g, style.newline);
}
