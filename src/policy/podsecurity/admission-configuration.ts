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
import { DocumentReader } from "../../documents/reader.js";
import { any, hint, list, mapping, string, type Schema } from "../../documents/schema.js";
import type { InputError, JsonObject, JsonValue, SourceDocument } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";
import { closest } from "../../text/suggest.js";
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

/** Upstream defaulting: an empty level is privileged, an empty version latest. */
const LEVEL: Schema = string({
  describe: `one of ${LEVELS.join(", ")}`,
  check: (value: string, name) => {
    if (value === "" || parseLevel(value)) return [];
    const suggestion = closest(value, LEVELS);
    return [
      {
        code: "not-one-of",
        message: `${name} must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(value)}${hint(suggestion)}`,
        ...(suggestion ? { suggestion } : {}),
      },
    ];
  },
});
const VERSION: Schema = string({
  describe: '"latest" or "v1.x"',
  check: (value: string, name) =>
    value === "" || parseLabelVersion(value) ? [] : [{ message: `${name} must be "latest" or "v1.x", got ${JSON.stringify(value)}` }],
});
const names = (pattern: RegExp, maxLength: number, what: string): Schema =>
  list(string({ pattern, maxLength, describe: what }), { unique: true });

const POD_SECURITY_CONFIGURATION = mapping({
  apiVersion: any,
  kind: any,
  defaults: mapping(
    Object.fromEntries(
      MODES.flatMap((mode) => [
        [mode, LEVEL],
        [`${mode}-version`, VERSION],
      ]),
    ),
  ),
  exemptions: mapping({
    usernames: names(/./, Infinity, "a non-empty username"),
    namespaces: names(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 63, "a namespace name (DNS label)"),
    runtimeClasses: names(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 253, "a runtime class name (DNS subdomain)"),
  }),
});
const ADMISSION_CONFIGURATION = mapping({
  apiVersion: any,
  kind: any,
  plugins: list(any, { describe: "a list of {name, configuration}" }),
});
const PLUGIN = mapping({ name: string(), configuration: any, path: string() });

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
  const reader = DocumentReader.of(file, document, `the ${String((document.value as JsonObject)["kind"])}`);
  const notices: InputError[] = [];
  const failed = (): AdmissionConfigurationResult => ({ errors: reader.problems, notices });
  const root = document.value as JsonObject;
  const source = `${file}:${document.locate([]).line}`;

  let configuration: JsonValue | undefined = root;
  let base: (string | number)[] = [];
  if (root["kind"] === "AdmissionConfiguration") {
    if (!ADMISSION_CONFIGURATION_APIS.includes(String(root["apiVersion"]))) {
      reader.fail(
        ["apiVersion"],
        `AdmissionConfiguration needs apiVersion ${ADMISSION_CONFIGURATION_APIS.join(" or ")}`,
        "wrong-api-version",
      );
      return failed();
    }
    reader.check(ADMISSION_CONFIGURATION, root);
    const plugins = root["plugins"];
    const entries = Array.isArray(plugins) ? plugins : [];
    const index = entries.findIndex((plugin) => isObject(plugin) && plugin["name"] === "PodSecurity");
    if (index === -1) return reader.problems.length > 0 ? failed() : { errors: [], notices };
    const plugin = entries[index] as JsonObject;
    base = ["plugins", index];
    reader.check(PLUGIN, plugin, base);
    if (plugin["path"] !== undefined) {
      const message =
        "the PodSecurity plugin's configuration is in a file on the API server (path), which a pull-request check cannot read; put it inline under configuration";
      reader.fail([...base, "path"], message, "unsupported");
      return failed();
    }
    configuration = plugin["configuration"];
    base = [...base, "configuration"];
    // Upstream: no configuration means the defaulted one (privileged everywhere, no exemptions).
    if (configuration === undefined || configuration === null)
      configuration = { apiVersion: POD_SECURITY_CONFIGURATION_APIS[0] as string, kind: "PodSecurityConfiguration" };
    if (!isObject(configuration)) {
      reader.fail(base, "configuration must be a PodSecurityConfiguration mapping", "wrong-type");
      return failed();
    }
    if (
      configuration["kind"] !== "PodSecurityConfiguration" ||
      !POD_SECURITY_CONFIGURATION_APIS.includes(String(configuration["apiVersion"]))
    ) {
      reader.fail(
        base,
        `configuration must be kind PodSecurityConfiguration with apiVersion ${POD_SECURITY_CONFIGURATION_APIS.join(", ")}`,
        "wrong-api-version",
      );
      return failed();
    }
  } else if (!POD_SECURITY_CONFIGURATION_APIS.includes(String(root["apiVersion"]))) {
    reader.fail(
      ["apiVersion"],
      `PodSecurityConfiguration needs apiVersion ${POD_SECURITY_CONFIGURATION_APIS.join(", ")}`,
      "wrong-api-version",
    );
    return failed();
  }

  reader.check(POD_SECURITY_CONFIGURATION, configuration, base);
  if (reader.problems.length > 0) return failed();

  // The schema held: every value below has the declared shape.
  const config = configuration as JsonObject;
  const exemptions = isObject(config["exemptions"]) ? config["exemptions"] : {};
  const listed = (key: string): string[] => (Array.isArray(exemptions[key]) ? (exemptions[key] as string[]) : []);
  const usernames = listed("usernames");
  if (usernames.length > 0) {
    const at = document.locate([...base, "exemptions", "usernames"]);
    notices.push({
      file,
      line: at.line,
      column: at.column,
      message:
        `exemptions.usernames (${usernames.join(", ")}) cannot apply at pull-request time: nobody is applying the change yet, ` +
        "so workloads are judged as for any other user. Except them with a PolicyException if they must pass here.",
    });
  }
  return {
    admission: {
      defaults: defaultsOf(config["defaults"]),
      exemptNamespaces: new Set(listed("namespaces")),
      exemptRuntimeClasses: new Set(listed("runtimeClasses")),
      source,
    },
    errors: [],
    notices,
  };
}

/** The defaults of a validated configuration, with upstream's defaulting of empty values. */
function defaultsOf(value: JsonValue | undefined): PolicyDefaults {
  const given: JsonObject = isObject(value) ? value : {};
  const defaults = {} as PolicyDefaults;
  for (const mode of MODES) {
    const level = given[mode];
    const version = given[`${mode}-version`];
    const parsedVersion: LabelVersion | undefined = typeof version === "string" && version !== "" ? parseLabelVersion(version) : undefined;
    defaults[mode] = { level: (typeof level === "string" && parseLevel(level)) || "privileged", version: parsedVersion ?? LATEST };
  }
  return defaults;
}
