/**
 * The `/policy-exception` command, read from one pull-request comment.
 *
 * A command is a line of its own, as a reader sees it in the rendered comment: at most three spaces
 * of indentation (four make a Markdown code block), and not inside a quote, a fenced code block or
 * an HTML comment. So quoting an earlier command does not issue it again, and nobody can hide one
 * in an invisible `<!-- -->`. Parsing is total: any text yields commands or errors, never a throw,
 * and an error always says what is wrong and shows a command that works.
 */
import { closest } from "../text/suggest.js";
import { parseExpiry, type ExpirySpec } from "./expiry.js";
import { formatNamedResource, type NamedResource } from "./model.js";

export const COMMAND = "/policy-exception";

export interface ExceptionRequest {
  kind: "request";
  /** `E<comment id>`, `E<comment id>-2` for a second request in the same comment. */
  id: string;
  policy: string;
  /** A check id (PSS) or constraint kind (Gatekeeper); absent: every rule of the policy. */
  rule?: string;
  resources: NamedResource[];
  container?: string;
  expires?: ExpirySpec;
  reason: string;
  /** 1-based line of the command in the comment. */
  line: number;
}

export interface ApproveCommand {
  kind: "approve";
  id: string;
  line: number;
}

export interface RevokeCommand {
  kind: "revoke";
  id: string;
  line: number;
}

export interface HelpCommand {
  kind: "help";
  line: number;
}

export interface ParseError {
  kind: "error";
  line: number;
  /** The command line as written. */
  text: string;
  /** What is wrong, exactly. */
  message: string;
  /** A command that works, built from what was understood. */
  example: string;
}

export type Command = ExceptionRequest | ApproveCommand | RevokeCommand | HelpCommand;
export type ParsedCommand = Command | ParseError;

const COMMAND_LINE = /^ {0,3}\/policy-exception(?=\s|$)(.*)$/is;
const REASON_LINE = /^ {0,3}reason\s*:(.*)$/is;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/s;
const QUOTE = /^ {0,3}>/;
const HTML_COMMENT_OPEN = /^ {0,3}<!--/;
const BLANK = /^\s*$/;

const POLICY_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9._]*[A-Za-z0-9])?$/;
const RULE_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9._]*[A-Za-z0-9])?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const NAMESPACE = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const OBJECT_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9._:]*[A-Za-z0-9])?$/;
const CONTAINER = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const EXCEPTION_ID = /^E(\d{1,20})(?:-(\d{1,4}))?$/i;

/** Bounds that keep every reply (which repeats the request, and its YAML) within GitHub's comment size. */
const MAX_RESOURCES = 50;
/** Each command gets a reply and a reaction: a bound keeps one comment from costing hundreds of writes. */
export const MAX_COMMANDS_PER_COMMENT = 10;
const MAX_REASON = 1000;

const EXAMPLE_POLICY = "pod-security-baseline/hostPathVolumes";
const EXAMPLE_RESOURCE = "Deployment/logging/fluent-bit";
const EXAMPLE_ID = "E1234567890";
/** What our examples put where the reason goes; copied verbatim it is not a reason. */
export const REASON_PLACEHOLDER = "<why this exception is needed, e.g. a ticket>";

/** Kinds people commonly write in lower case (kubectl style), for a precise suggestion. */
const WELL_KNOWN_KINDS = [
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
  "PodTemplate",
  "Service",
  "Ingress",
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "Namespace",
  "Role",
  "RoleBinding",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "NetworkPolicy",
  "HorizontalPodAutoscaler",
];

export function requestId(commentId: number, index: number): string {
  return index === 0 ? `E${commentId}` : `E${commentId}-${index + 1}`;
}

/** Every command in a comment body, in order. Never throws. */
export function parseComment(body: string | null | undefined, commentId: number): ParsedCommand[] {
  const lines = typeof body === "string" ? body.split(/\r\n|\r|\n/) : [];
  const commands: ParsedCommand[] = [];
  let requests = 0;
  const visible = visibleLines(lines);
  const visibleIndexes = new Set(visible.map((line) => line.index));
  for (const { index, text } of visible) {
    const match = COMMAND_LINE.exec(text);
    if (!match) continue;
    const tokens = (match[1] ?? "").split(/\s+/).filter((token) => token !== "");
    const line = index + 1;
    if (commands.length === MAX_COMMANDS_PER_COMMENT) {
      commands.push({
        kind: "error",
        line,
        text,
        message: `a comment may hold at most ${MAX_COMMANDS_PER_COMMENT} commands; this one and the rest were not read (name several resources in one command, or post another comment)`,
        example: `${COMMAND} help`,
      });
      break;
    }
    const first = tokens[0]?.toLowerCase();
    if (first === "help") {
      commands.push({ kind: "help", line });
    } else if (first === "approve" || first === "revoke") {
      commands.push(parseIdCommand(first, tokens.slice(1), text, line));
    } else {
      const parsed = parseRequest(tokens, reasonAfter(lines, index, visibleIndexes), text, line);
      if (parsed.kind === "error") commands.push(parsed);
      else commands.push({ ...parsed, id: requestId(commentId, requests++) });
    }
  }
  return commands;
}

/**
 * Lines a reader sees as ordinary text. Inside a quote (including its lazy continuation lines),
 * a fenced code block or an HTML comment (a block, or one opened inside a line), nothing counts.
 */
function visibleLines(lines: readonly string[]): { index: number; text: string }[] {
  const visible: { index: number; text: string }[] = [];
  let fence: { char: string; length: number } | undefined;
  let inHtmlComment = false;
  let inQuote = false;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] as string;
    if (inHtmlComment) {
      if (text.includes("-->")) inHtmlComment = false;
      continue;
    }
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1]?.[0] === fence.char && (close[1]?.length ?? 0) >= fence.length) fence = undefined;
      continue;
    }
    if (BLANK.test(text)) {
      inQuote = false;
      continue;
    }
    if (QUOTE.test(text)) {
      inQuote = true;
      continue;
    }
    // A paragraph line right after a quoted line continues the quote (CommonMark lazy continuation).
    if (inQuote) continue;
    const open = FENCE_OPEN.exec(text);
    if (open && !(open[1]?.[0] === "`" && open[2]?.includes("`"))) {
      fence = { char: open[1]?.[0] as string, length: open[1]?.length ?? 3 };
      continue;
    }
    if (HTML_COMMENT_OPEN.test(text)) {
      inHtmlComment = opensHtmlComment(text);
      continue;
    }
    visible.push({ index, text });
    // `text <!--` hides the following lines as surely as a comment block does.
    inHtmlComment = opensHtmlComment(text);
  }
  return visible;
}

/** Whether the line leaves an HTML comment open. */
function opensHtmlComment(text: string): boolean {
  let from = 0;
  for (;;) {
    const start = text.indexOf("<!--", from);
    if (start === -1) return false;
    const end = text.indexOf("-->", start + 4);
    if (end === -1) return true;
    from = end + 3;
  }
}

/** The `Reason:` line: the next non-blank line after the command, if a reader can see it. */
function reasonAfter(lines: readonly string[], index: number, visible: ReadonlySet<number>): string | undefined {
  for (let next = index + 1; next < lines.length; next++) {
    const text = lines[next] as string;
    if (BLANK.test(text)) continue;
    if (!visible.has(next)) return undefined;
    const match = REASON_LINE.exec(text);
    return match ? (match[1] ?? "").trim() : undefined;
  }
  return undefined;
}

function parseIdCommand(
  verb: "approve" | "revoke",
  args: readonly string[],
  text: string,
  line: number,
): ApproveCommand | RevokeCommand | ParseError {
  const example = `${COMMAND} ${verb} ${EXAMPLE_ID}`;
  const fail = (message: string): ParseError => ({
    kind: "error",
    line,
    text,
    message,
    example: `${example}\n\n(use the id from the bot's reply to the request)`,
  });
  if (args.length === 0) return fail(`\`${verb}\` needs the id of an exception request, e.g. ${EXAMPLE_ID}`);
  const id = args[0] as string;
  const match = EXCEPTION_ID.exec(id);
  if (!match)
    return fail(`\`${truncate(id)}\` is not an exception id: ids look like ${EXAMPLE_ID} (the bot's reply to a request names it)`);
  if (args.length > 1)
    return fail(`\`${verb}\` takes exactly one id; unexpected \`${truncate(args.slice(1).join(" "))}\` (one command per line)`);
  const normalised = `E${match[1]}${match[2] !== undefined ? `-${match[2]}` : ""}`;
  return { kind: verb, id: normalised, line };
}

interface Understood {
  policy?: string;
  resources: NamedResource[];
  container?: string;
  expires?: ExpirySpec;
  reason?: string;
}

function parseRequest(
  tokens: readonly string[],
  reason: string | undefined,
  text: string,
  line: number,
): Omit<ExceptionRequest, "id"> | ParseError {
  const understood: Understood = { resources: [] };
  if (reason !== undefined && reason !== "" && reason !== REASON_PLACEHOLDER && reason.length <= MAX_REASON) understood.reason = reason;
  const fail = (message: string): ParseError => ({ kind: "error", line, text, message, example: exampleFrom(understood) });

  const policyToken = tokens[0];
  if (policyToken === undefined) {
    return fail("the command names no policy: write the policy (optionally /rule), then the resources it covers, then a `Reason:` line");
  }
  if (policyToken.startsWith("--")) return fail(`the policy comes first, before options like \`${truncate(policyToken)}\``);
  const policyProblem = checkPolicyToken(policyToken);
  if (policyProblem) return fail(policyProblem);
  const slash = policyToken.indexOf("/");
  const policy = slash === -1 ? policyToken : policyToken.slice(0, slash);
  const rule = slash === -1 ? undefined : policyToken.slice(slash + 1);
  understood.policy = policyToken;

  const seen = new Set<string>();
  for (let position = 1; position < tokens.length; position++) {
    const token = tokens[position] as string;
    if (token.startsWith("--")) {
      const equals = token.indexOf("=");
      const flag = (equals === -1 ? token : token.slice(0, equals)).toLowerCase();
      if (flag !== "--container" && flag !== "--expires") {
        return fail(
          `unknown option \`${truncate(flag)}\`${suggestion(flag, ["--container", "--expires"])}; the options are --container NAME and --expires 14d|YYYY-MM-DD`,
        );
      }
      if (seen.has(flag)) return fail(`${flag} is given twice; give it once`);
      seen.add(flag);
      let value: string | undefined = equals === -1 ? undefined : token.slice(equals + 1);
      if (value === undefined) {
        const next = tokens[position + 1];
        if (next !== undefined && !next.startsWith("--")) {
          value = next;
          position++;
        }
      }
      if (value === undefined || value === "") {
        return fail(
          flag === "--container"
            ? "--container needs the container's name, e.g. --container fluent-bit"
            : "--expires needs a value: a duration like 14d, 36h or 2w, or a date like 2026-12-31",
        );
      }
      if (flag === "--container") {
        if (!CONTAINER.test(value) || value.length > 63)
          return fail(
            `--container \`${truncate(value)}\` is not a container name (lower-case letters, digits and "-", as in the manifest's containers[].name)`,
          );
        understood.container = value;
      } else {
        const expiry = parseExpiry(value);
        if ("error" in expiry) return fail(expiry.error);
        understood.expires = expiry;
      }
      continue;
    }
    if (/^reason\s*:/i.test(token)) return fail("the reason goes on its own line below the command, starting with `Reason:`");
    const resource = parseResource(token);
    if ("error" in resource) return fail(resource.error);
    if (!understood.resources.some((known) => formatNamedResource(known) === formatNamedResource(resource)))
      understood.resources.push(resource);
  }

  if (understood.resources.length > MAX_RESOURCES) {
    return fail(
      `the command names ${understood.resources.length} resources; name at most ${MAX_RESOURCES} per command (the reply lists each one)`,
    );
  }
  if (understood.resources.length === 0) {
    return fail(
      "the command names no resource: an exception only covers the resources it names, written Kind/namespace/name (Kind/name for a cluster-scoped resource)",
    );
  }
  if (reason === undefined) {
    return fail("a reason is required: put it on the line after the command, starting with `Reason:`");
  }
  if (reason === "" || reason === REASON_PLACEHOLDER) {
    return fail("the `Reason:` line is empty: say why the exception is needed (a ticket reference helps reviewers later)");
  }
  if (reason.length > MAX_REASON) {
    return fail(`the reason is ${reason.length} characters long; keep it under ${MAX_REASON} and link a ticket for the details`);
  }

  const request: Omit<ExceptionRequest, "id"> = { kind: "request", policy, resources: understood.resources, reason, line };
  if (rule !== undefined) request.rule = rule;
  if (understood.container !== undefined) request.container = understood.container;
  if (understood.expires !== undefined) request.expires = understood.expires;
  return request;
}

function checkPolicyToken(token: string): string | undefined {
  const parts = token.split("/");
  if (parts.length > 2) {
    return `\`${truncate(token)}\` is not a policy: the command names the policy first (e.g. ${EXAMPLE_POLICY}), then the resources`;
  }
  const [policy, rule] = parts as [string, string | undefined];
  if (policy.length > 253 || !POLICY_NAME.test(policy)) {
    return `\`${truncate(policy)}\` is not a policy name: policy names are metadata.name of a policy (letters, digits, "-", "." and "_"), e.g. pod-security-baseline`;
  }
  if (rule !== undefined && (rule.length > 253 || !RULE_NAME.test(rule))) {
    return `\`${truncate(rule)}\` is not a rule: after the policy name, /rule is a check id (e.g. hostPathVolumes) or a constraint kind (e.g. K8sAllowedRepos)`;
  }
  return undefined;
}

function parseResource(token: string): NamedResource | { error: string } {
  const shape =
    "resources are written Kind/namespace/name, or Kind/name for a cluster-scoped resource (e.g. Deployment/logging/fluent-bit)";
  const parts = token.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === "")) {
    return { error: `\`${truncate(token)}\` is not a resource: ${shape}` };
  }
  const kind = parts[0] as string;
  if (!KIND.test(kind)) {
    const known = WELL_KNOWN_KINDS.find((candidate) => candidate.toLowerCase() === kind.toLowerCase());
    const hint = known ? ` (did you mean ${known}?)` : "";
    return {
      error: `\`${truncate(kind)}\` in \`${truncate(token)}\` is not a kind: write the kind as in the manifest's \`kind:\` field${hint}; ${shape}`,
    };
  }
  const name = parts[parts.length - 1] as string;
  if (name.length > 253 || !OBJECT_NAME.test(name)) {
    return {
      error: `\`${truncate(name)}\` in \`${truncate(token)}\` is not an object name: names are exact (no wildcards), as in the manifest's metadata.name`,
    };
  }
  if (parts.length === 2) return { kind, name };
  const namespace = parts[1] as string;
  if (namespace.length > 63 || !NAMESPACE.test(namespace)) {
    return { error: `\`${truncate(namespace)}\` in \`${truncate(token)}\` is not a namespace name (lower-case letters, digits and "-")` };
  }
  return { kind, namespace, name };
}

/** A command that works, keeping whatever the author got right. */
function exampleFrom(understood: Understood): string {
  const parts = [COMMAND, understood.policy ?? EXAMPLE_POLICY];
  parts.push(
    ...(understood.resources.length > 0 ? understood.resources.slice(0, MAX_RESOURCES).map(formatNamedResource) : [EXAMPLE_RESOURCE]),
  );
  if (understood.container !== undefined) parts.push("--container", understood.container);
  parts.push("--expires", understood.expires?.text ?? "14d");
  return `${parts.join(" ")}\nReason: ${understood.reason || REASON_PLACEHOLDER}`;
}

function suggestion(input: string, candidates: readonly string[]): string {
  const best = closest(input, candidates);
  return best ? ` (did you mean ${best}?)` : "";
}

/** Echoed tokens are bounded: a reply must stay readable whatever was typed. */
function truncate(text: string, max = 80): string {
  const flat = text.replace(/`/g, "'");
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
