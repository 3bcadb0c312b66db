/**
 * Reading `ValidatingAdmissionPolicy` and `ValidatingAdmissionPolicyBinding` documents
 * (admissionregistration.k8s.io/v1), every problem at its field.
 */
import type { FieldPath, JsonObject, JsonValue, SourceDocument } from "../../manifests/types.js";
import type { EnforcementAction, LabelSelector } from "../types.js";
import { readMatchResources, type MatchResources } from "./match-resources.js";
import { compileValidator, type FailurePolicy, type SpecError, type Validator } from "./validator.js";
import { isObject } from "../../manifests/json.js";
import { strongerAction } from "../actions.js";

export const VAP_API_VERSION = "admissionregistration.k8s.io/v1";
export const VAP_KIND = "ValidatingAdmissionPolicy";
export const BINDING_KIND = "ValidatingAdmissionPolicyBinding";

export interface ParamKind {
  apiVersion: string;
  kind: string;
}

export interface AdmissionPolicyDocument {
  name: string;
  file: string;
  document: SourceDocument;
  paramKind?: ParamKind;
  match: MatchResources;
  validator: Validator;
  /** Set when the policy has auditAnnotations, which only feed the cluster's audit log. */
  hasAuditAnnotations: boolean;
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction: "Allow" | "Deny";
}

export interface BindingDocument {
  name: string;
  file: string;
  document: SourceDocument;
  policyName: string;
  paramRef?: ParamRef;
  match?: MatchResources;
  action: EnforcementAction;
}

const POLICY_SPEC_KEYS = [
  "paramKind",
  "matchConstraints",
  "validations",
  "failurePolicy",
  "auditAnnotations",
  "matchConditions",
  "variables",
];
const BINDING_SPEC_KEYS = ["policyName", "paramRef", "matchResources", "validationActions"];
/** validationActions as findings: Deny blocks, Warn is a warning, Audit only records (dry run). */
const ACTIONS: Readonly<Record<string, EnforcementAction>> = { Deny: "deny", Warn: "warn", Audit: "dryrun" };

export function readAdmissionPolicy(
  file: string,
  document: SourceDocument,
  root: JsonObject,
): { policy?: AdmissionPolicyDocument; errors: SpecError[] } {
  const errors: SpecError[] = [];
  const name = nameOf(root, errors);
  const spec = specOf(root, POLICY_SPEC_KEYS, errors);
  if (!spec || name === undefined) return { errors };
  const failurePolicy = readFailurePolicy(spec["failurePolicy"], ["spec", "failurePolicy"], errors);
  const match = readMatchResources(spec["matchConstraints"], ["spec", "matchConstraints"], errors, true);
  const paramKind = spec["paramKind"] === undefined ? undefined : readParamKind(spec["paramKind"], ["spec", "paramKind"], errors);
  const compiled = compileValidator(spec, ["spec"], { failurePolicy, requireValidations: spec["auditAnnotations"] === undefined });
  if ("errors" in compiled) errors.push(...compiled.errors);
  if (errors.length > 0 || "errors" in compiled) return { errors };
  const policy: AdmissionPolicyDocument = {
    name,
    file,
    document,
    match,
    validator: compiled.validator,
    hasAuditAnnotations: spec["auditAnnotations"] !== undefined,
  };
  if (paramKind) policy.paramKind = paramKind;
  return { policy, errors };
}

export function readBinding(file: string, document: SourceDocument, root: JsonObject): { binding?: BindingDocument; errors: SpecError[] } {
  const errors: SpecError[] = [];
  const name = nameOf(root, errors);
  const spec = specOf(root, BINDING_SPEC_KEYS, errors);
  if (!spec || name === undefined) return { errors };
  const policyName = spec["policyName"];
  if (typeof policyName !== "string" || policyName === "")
    errors.push({ path: ["spec", "policyName"], message: "policyName is required: the ValidatingAdmissionPolicy this binding applies" });
  const action = readActions(spec["validationActions"], errors);
  let paramRef: ParamRef | undefined;
  if (spec["paramRef"] !== undefined) paramRef = readParamRef(spec["paramRef"], errors);
  const match =
    spec["matchResources"] === undefined
      ? undefined
      : readMatchResources(spec["matchResources"], ["spec", "matchResources"], errors, false);
  if (errors.length > 0 || typeof policyName !== "string" || !action) return { errors };
  const binding: BindingDocument = { name, file, document, policyName, action };
  if (paramRef) binding.paramRef = paramRef;
  if (match) binding.match = match;
  return { binding, errors };
}

function readActions(value: JsonValue | undefined, errors: SpecError[]): EnforcementAction | undefined {
  const at = ["spec", "validationActions"];
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({ path: at, message: "validationActions is required: a non-empty list of Deny, Warn, Audit" });
    return undefined;
  }
  const unknown = value.filter((v) => typeof v !== "string" || !(v in ACTIONS));
  if (unknown.length > 0) {
    errors.push({ path: at, message: `unknown validationActions ${JSON.stringify(unknown)}; expected Deny, Warn or Audit` });
    return undefined;
  }
  const names = value as string[];
  if (new Set(names).size !== names.length) errors.push({ path: at, message: "validationActions must not repeat an action" });
  if (names.includes("Deny") && names.includes("Warn"))
    errors.push({
      path: at,
      message: "validationActions must not contain both Deny and Warn (the API server refuses it: Deny already reports)",
    });
  return names.map((n) => ACTIONS[n] as EnforcementAction).reduce(strongerAction);
}

/** `paramKind`: the apiVersion and kind of the objects that hold a policy's params. */
export function readParamKind(value: JsonValue, at: FieldPath, errors: SpecError[]): ParamKind | undefined {
  if (isObject(value) && typeof value["apiVersion"] === "string" && typeof value["kind"] === "string")
    return { apiVersion: value["apiVersion"], kind: value["kind"] };
  errors.push({ path: at, message: "paramKind needs apiVersion and kind" });
  return undefined;
}

/**
 * `paramRef`: which params by name or label selector. A binding must say what a missing param means;
 * Kyverno's `validate.cel` may leave it out (`notFoundDefault`), which allows.
 */
export function readParamRef(
  value: JsonValue,
  errors: SpecError[],
  at: FieldPath = ["spec", "paramRef"],
  notFoundDefault?: "Allow",
): ParamRef | undefined {
  if (!isObject(value)) {
    errors.push({ path: at, message: "paramRef must be a mapping" });
    return undefined;
  }
  const action = value["parameterNotFoundAction"] ?? notFoundDefault;
  if (action !== "Allow" && action !== "Deny") {
    errors.push({ path: [...at, "parameterNotFoundAction"], message: "parameterNotFoundAction is required with paramRef: Allow or Deny" });
    return undefined;
  }
  const ref: ParamRef = { parameterNotFoundAction: action };
  const name = value["name"];
  const selector = value["selector"];
  if (typeof name === "string" && name !== "") ref.name = name;
  if (typeof value["namespace"] === "string" && value["namespace"] !== "") ref.namespace = value["namespace"];
  if (selector !== undefined) {
    if (!isObject(selector)) errors.push({ path: [...at, "selector"], message: "selector must be a label selector" });
    else ref.selector = selector as LabelSelector;
  }
  if ((ref.name === undefined) === (ref.selector === undefined))
    errors.push({ path: at, message: "paramRef needs exactly one of name or selector" });
  return ref;
}

function readFailurePolicy(value: JsonValue | undefined, at: FieldPath, errors: SpecError[]): FailurePolicy {
  if (value === undefined) return "Fail";
  if (value === "Fail" || value === "Ignore") return value;
  errors.push({ path: at, message: "failurePolicy must be Fail or Ignore" });
  return "Fail";
}

function nameOf(root: JsonObject, errors: SpecError[]): string | undefined {
  const metadata = root["metadata"];
  const name = isObject(metadata) ? metadata["name"] : undefined;
  if (typeof name === "string" && name !== "") return name;
  errors.push({ path: isObject(metadata) ? ["metadata"] : [], message: "missing metadata.name" });
  return undefined;
}

function specOf(root: JsonObject, keys: readonly string[], errors: SpecError[]): JsonObject | undefined {
  const spec = root["spec"];
  if (!isObject(spec)) {
    errors.push({ path: spec === undefined ? [] : ["spec"], message: "spec must be a mapping" });
    return undefined;
  }
  for (const key of Object.keys(spec))
    if (!keys.includes(key)) errors.push({ path: ["spec", key], message: `unknown field "${key}"; expected one of ${keys.join(", ")}` });
  return spec;
}
