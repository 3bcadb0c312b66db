/**
 * The cluster's Pod Security admission configuration, committed beside the policies so that the
 * pull-request gate judges namespaces as the API server will: the `PodSecurity` plugin's entry of an
 * `AdmissionConfiguration` (apiserver.config.k8s.io/v1, as passed to `--admission-control-config-file`)
 * or a bare `PodSecurityConfiguration` (pod-security.admission.config.k8s.io/v1, v1beta1, v1alpha1).
 *
 * Read as upstream reads it (`admission/api`: defaulting, `ToPolicy`, `ValidatePodSecurityConfiguration`):
 * an unset default is `privileged` / `latest`; levels, versions, namespace names and runtime class
 * names are validated, duplicates refused. Unlike the API server's lenient decoder, an unknown field
 * is an error: a typo'd `enforce-verison` would otherwise quietly judge at `latest`.
 *
 * `exemptions.usernames` cannot apply to a pull request: there is no requesting user until someone
 * applies the change. It is reported as a notice, and workloads are judged as for any other user.
 */
import type { FieldPath, InputError, JsonObject, JsonValue, SourceDocument } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";
import { didYouMean } from "../suggest.js";
import { LATEST, LEVELS, MODES, parseLabelVersion, parseLevel, type LabelVersion, type PolicyDefaults } from "./labels.js";

export const ADMISSION_CONFIGURATION_APIS = ["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1"];
export const POD_SECURITY_CONFIGURATION_APIS = [
  "pod-security.admission.config.k8s.io/v1",
  "pod-security.admission.config.k8s.io/v1beta1",
  "pod-security.admission.config.k8s.io/v1alpha1",
];

/** What namespace-driven PodSecurity policies take from the cluster's configuration. */
export interface PodSecurityAdmission {
  defaults: PolicyDefaults;
  exemptNamespaces: ReadonlySet<string>;
  exemptRuntimeClasses: ReadonlySet<string>;
  /** `file:line` of the document, for findings and summaries. */
  source: string;
}

export interface AdmissionConfigurationResult {
  /** Absent for an AdmissionConfiguration without a PodSecurity plugin, or when the document has errors. */
  admission?: PodSecurityAdmission;
  errors: InputError[];
  /** Things that are read but cannot take effect at pull-request time. */
  notices: InputError[];
}

const DEFAULT_KEYS = MODES.flatMap((mode) => [mode, `${mode}-version`]);
const EXEMPTION_KEYS = ["usernames", "namespaces", "runtimeClasses"];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Decided on apiVersion and kind: any other document is left to the policy reader. */
export function isAdmissionConfigurationDocument(value: JsonValue): boolean {
  if (!isObject(value)) return false;
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== "string") return false;
  const group = apiVersion.split("/")[0];
  return (
    (kind === "AdmissionConfiguration" && group === "apiserver.config.k8s.io") ||
    (kind === "PodSecurityConfiguration" && group === "pod-security.admission.config.k8s.io")
  );
}

export function readAdmissionConfiguration(file: string, document: SourceDocument): AdmissionConfigurationResult {
  const errors: InputError[] = [];
  const notices: InputError[] = [];
  const at = (path: FieldPath, message: string): InputError => {
    const position = document.locate(path);
    return { file, line: position.line, column: position.column, message };
  };
  const fail = (path: FieldPath, message: string): void => void errors.push(at(path, message));
  const root = document.value as JsonObject;
  const source = `${file}:${document.locate([]).line}`;

  let configuration: JsonValue | undefined = root;
  let base: FieldPath = [];
  if (root["kind"] === "AdmissionConfiguration") {
    if (!ADMISSION_CONFIGURATION_APIS.includes(String(root["apiVersion"]))) {
      fail(["apiVersion"], `AdmissionConfiguration needs apiVersion ${ADMISSION_CONFIGURATION_APIS.join(" or ")}`);
      return { errors, notices };
    }
    checkKeys(root, ["apiVersion", "kind", "plugins"], [], fail);
    const plugins = root["plugins"];
    if (plugins !== undefined && !Array.isArray(plugins)) fail(["plugins"], "plugins must be a list of {name, configuration}");
    const entries = Array.isArray(plugins) ? plugins : [];
    const index = entries.findIndex((plugin) => isObject(plugin) && plugin["name"] === "PodSecurity");
    if (index === -1) return { errors, notices };
    const plugin = entries[index] as JsonObject;
    base = ["plugins", index];
    checkKeys(plugin, ["name", "configuration", "path"], base, fail);
    if (plugin["path"] !== undefined) {
      fail([...base, "path"], "the PodSecurity plugin's configuration is in a file on the API server (path), which a pull-request check cannot read; put it inline under configuration");
      return { errors, notices };
    }
    configuration = plugin["configuration"];
    base = [...base, "configuration"];
    // Upstream: no configuration means the defaulted one (privileged everywhere, no exemptions).
    if (configuration === undefined || configuration === null) configuration = { apiVersion: POD_SECURITY_CONFIGURATION_APIS[0] as string, kind: "PodSecurityConfiguration" };
    if (!isObject(configuration)) {
      fail(base, "configuration must be a PodSecurityConfiguration mapping");
      return { errors, notices };
    }
    if (configuration["kind"] !== "PodSecurityConfiguration" || !POD_SECURITY_CONFIGURATION_APIS.includes(String(configuration["apiVersion"]))) {
      fail(base, `configuration must be kind PodSecurityConfiguration with apiVersion ${POD_SECURITY_CONFIGURATION_APIS.join(", ")}`);
      return { errors, notices };
    }
  } else if (!POD_SECURITY_CONFIGURATION_APIS.includes(String(root["apiVersion"]))) {
    fail(["apiVersion"], `PodSecurityConfiguration needs apiVersion ${POD_SECURITY_CONFIGURATION_APIS.join(", ")}`);
    return { errors, notices };
  }

  const config = configuration as JsonObject;
  checkKeys(config, ["apiVersion", "kind", "defaults", "exemptions"], base, fail);
  const defaults = readDefaults(config["defaults"], [...base, "defaults"], fail);
  const exemptions = config["exemptions"];
  const exemptionsAt = [...base, "exemptions"];
  let namespaces: string[] = [];
  let runtimeClasses: string[] = [];
  if (exemptions !== undefined && exemptions !== null) {
    if (!isObject(exemptions)) fail(exemptionsAt, "exemptions must be a mapping with usernames, namespaces and runtimeClasses");
    else {
      checkKeys(exemptions, EXEMPTION_KEYS, exemptionsAt, fail);
      namespaces = names(exemptions["namespaces"], [...exemptionsAt, "namespaces"], { pattern: DNS_LABEL, maxLength: 63, what: "a namespace name (DNS label)" }, fail);
      runtimeClasses = names(exemptions["runtimeClasses"], [...exemptionsAt, "runtimeClasses"], { pattern: DNS_SUBDOMAIN, maxLength: 253, what: "a runtime class name (DNS subdomain)" }, fail);
      const usernames = names(exemptions["usernames"], [...exemptionsAt, "usernames"], { pattern: /./, maxLength: Infinity, what: "a non-empty username" }, fail);
      if (usernames.length > 0) {
        notices.push(
          at(
            [...exemptionsAt, "usernames"],
            `exemptions.usernames (${usernames.join(", ")}) cannot apply at pull-request time: nobody is applying the change yet, ` +
              "so workloads are judged as for any other user. Except them with a PolicyException if they must pass here.",
          ),
        );
      }
    }
  }
  if (errors.length > 0 || !defaults) return { errors, notices };
  return {
    admission: { defaults, exemptNamespaces: new Set(namespaces), exemptRuntimeClasses: new Set(runtimeClasses), source },
    errors,
    notices,
  };
}

function readDefaults(value: JsonValue | undefined, at: FieldPath, fail: (path: FieldPath, message: string) => void): PolicyDefaults | undefined {
  const given: JsonObject = isObject(value) ? value : {};
  if (value !== undefined && value !== null && !isObject(value)) {
    fail(at, `defaults must be a mapping of ${DEFAULT_KEYS.join(", ")}`);
    return undefined;
  }
  checkKeys(given, DEFAULT_KEYS, at, fail);
  let ok = true;
  const defaults = {} as PolicyDefaults;
  for (const mode of MODES) {
    const level = given[mode];
    const version = given[`${mode}-version`];
    // Upstream defaulting: an empty value is privileged / latest.
    const levelText = level === undefined || level === null || level === "" ? "privileged" : level;
    const versionText = version === undefined || version === null || version === "" ? "latest" : version;
    const parsedLevel = typeof levelText === "string" ? parseLevel(levelText) : undefined;
    const parsedVersion: LabelVersion | undefined = typeof versionText === "string" ? parseLabelVersion(versionText) : undefined;
    if (!parsedLevel) {
      fail([...at, mode], `defaults.${mode} must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(level)}${typeof level === "string" ? didYouMean(level, LEVELS) : ""}`);
      ok = false;
    }
    if (!parsedVersion) {
      fail([...at, `${mode}-version`], `defaults.${mode}-version must be "latest" or "v1.x", got ${JSON.stringify(version)}`);
      ok = false;
    }
    defaults[mode] = { level: parsedLevel ?? "privileged", version: parsedVersion ?? LATEST };
  }
  return ok ? defaults : undefined;
}

function names(
  value: JsonValue | undefined,
  at: FieldPath,
  rule: { pattern: RegExp; maxLength: number; what: string },
  fail: (path: FieldPath, message: string) => void,
): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    fail(at, `${String(at[at.length - 1])} must be a list of strings`);
    return [];
  }
  const seen = new Set<string>();
  value.forEach((item, index) => {
    if (typeof item !== "string" || !rule.pattern.test(item) || item.length > rule.maxLength) {
      fail([...at, index], `${JSON.stringify(item)} is not ${rule.what}`);
    } else if (seen.has(item)) {
      fail([...at, index], `duplicate value ${JSON.stringify(item)}`);
    } else seen.add(item);
  });
  return [...seen];
}

function checkKeys(object: JsonObject, allowed: readonly string[], at: FieldPath, fail: (path: FieldPath, message: string) => void): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail([...at, key], `unknown field "${key}"${didYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`);
  }
}
