/**
 * The Kubernetes `format` library (k8s.io/apiserver/pkg/cel/library/format.go): named string formats
 * whose `validate` returns `optional.none()` when the string is valid, else the list of problems.
 */
import { Optional, type Environment } from "@marcbachmann/cel-js";

type Validator = (text: string) => string[];

export class StringFormat {
  constructor(
    readonly name: string,
    readonly validate: Validator,
  ) {}
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function pattern(regex: RegExp, max: number, what: string): Validator {
  return (text) => {
    const errors: string[] = [];
    if (text.length > max) errors.push(`must be no more than ${max} characters`);
    if (!regex.test(text)) errors.push(`a ${what} must match the regex ${regex.source}`);
    return errors;
  };
}

const dns1123Label = pattern(DNS1123_LABEL, 63, "lowercase RFC 1123 label");
const dns1123Subdomain = pattern(DNS1123_SUBDOMAIN, 253, "lowercase RFC 1123 subdomain");
const dns1035Label = pattern(DNS1035_LABEL, 63, "DNS-1035 label");

/** `generateName` prefixes: a trailing dash is allowed, the generated suffix completes the name. */
const prefixOf =
  (validate: Validator): Validator =>
  (text) =>
    validate(text.endsWith("-") ? `${text.slice(0, -1)}a` : text);

function qualifiedName(text: string): string[] {
  const parts = text.split("/");
  if (parts.length > 2) return ["a qualified name must consist of an optional DNS subdomain prefix and a name, separated by '/'"];
  const name = parts[parts.length - 1] ?? "";
  const errors: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    if (prefix === "") errors.push("prefix part must be non-empty");
    else errors.push(...dns1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  }
  if (name === "") errors.push("name part must be non-empty");
  else {
    if (name.length > 63) errors.push("name part must be no more than 63 characters");
    if (!QUALIFIED_NAME_PART.test(name))
      errors.push(
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      );
  }
  return errors;
}

function labelValue(text: string): string[] {
  if (text === "") return [];
  const errors: string[] = [];
  if (text.length > 63) errors.push("must be no more than 63 characters");
  if (!QUALIFIED_NAME_PART.test(text))
    errors.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  return errors;
}

function date(text: string): string[] {
  const match = DATE.exec(text);
  if (!match) return ["invalid date"];
  const parsed = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.getUTCDate() !== Number(match[3]) ? ["invalid date"] : [];
}

function datetime(text: string): string[] {
  return DATETIME.test(text) && !Number.isNaN(new Date(text).getTime()) ? [] : ["invalid datetime"];
}

function uri(text: string): string[] {
  try {
    new URL(text);
    return [];
  } catch {
    return text.startsWith("/") ? [] : ["invalid URI"];
  }
}

export const FORMATS: ReadonlyMap<string, StringFormat> = new Map(
  Object.entries({
    dns1123Label,
    dns1123Subdomain,
    dns1035Label,
    qualifiedName,
    dns1123LabelPrefix: prefixOf(dns1123Label),
    dns1123SubdomainPrefix: prefixOf(dns1123Subdomain),
    dns1035LabelPrefix: prefixOf(dns1035Label),
    labelValue,
    uri,
    uuid: (text: string) => (UUID.test(text) ? [] : ["does not match the UUID format"]),
    byte: (text: string) => (BASE64.test(text) ? [] : ["invalid base64"]),
    date,
    datetime,
  }).map(([name, validate]) => [name, new StringFormat(name, validate)]),
);

class FormatNamespace {}

export function registerFormat(env: Environment): void {
  env.registerType("FormatNamespace", FormatNamespace);
  env.registerType("Format", StringFormat);
  env.registerConstant("format", "FormatNamespace", new FormatNamespace());
  env.registerFunction("FormatNamespace.named(string): optional<Format>", (_: FormatNamespace, name: string) => {
    const found = FORMATS.get(name);
    return found ? Optional.of(found) : Optional.none();
  });
  for (const [name, found] of FORMATS) env.registerFunction(`FormatNamespace.${name}(): Format`, () => found);
  env.registerFunction("Format.validate(string): optional<list<string>>", (format: StringFormat, text: string) => {
    const errors = format.validate(text);
    return errors.length === 0 ? Optional.none() : Optional.of(errors);
  });
}
