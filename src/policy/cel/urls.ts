/**
 * The Kubernetes `urls` library (k8s.io/apiserver/pkg/cel/library/urls.go): `url()` accepts what Go's
 * `url.ParseRequestURI` accepts, an absolute URL or an absolute path, and exposes its parts.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "./errors.js";

/** A parsed URL; `host` keeps IPv6 brackets and the port, as Go's `URL.Host` does. */
export class KubernetesUrl {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly path: string,
    readonly query: string,
  ) {}
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;

export function parseUrl(text: string): KubernetesUrl | undefined {
  // Go refuses control characters; spaces in a path are accepted and escaped by getEscapedPath.
  if (text === "" || [...text].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f")) return undefined;
  if (text.startsWith("/")) {
    const [path = "", query = ""] = splitOnce(text, "?");
    return new KubernetesUrl("", "", path, query);
  }
  const scheme = SCHEME.exec(text);
  if (!scheme) return undefined;
  const rest = scheme[2] ?? "";
  let host = "";
  let remainder = rest;
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?]/);
    host = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    remainder = end < 0 ? "" : rest.slice(2 + end);
    if (host.includes("@")) host = host.slice(host.lastIndexOf("@") + 1);
    if (!validHost(host)) return undefined;
  } else if (!rest.startsWith("/")) {
    // Go's ParseRequestURI refuses opaque URLs such as `mailto:x`.
    return undefined;
  }
  const [path = "", query = ""] = splitOnce(remainder, "?");
  return new KubernetesUrl(scheme[1] ?? "", host, path, query);
}

function validHost(host: string): boolean {
  if (host.startsWith("[")) return /^\[[0-9A-Fa-f:.]+(%[^\]]+)?\](:\d*)?$/.test(host);
  return /^[^\s/?#[\]]*(:\d*)?$/.test(host) && (host.match(/:/g)?.length ?? 0) <= 1;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

function hostname(url: KubernetesUrl): string {
  if (url.host.startsWith("[")) return url.host.slice(1, url.host.indexOf("]"));
  const colon = url.host.lastIndexOf(":");
  return colon < 0 ? url.host : url.host.slice(0, colon);
}

function port(url: KubernetesUrl): string {
  const afterHost = url.host.startsWith("[") ? url.host.slice(url.host.indexOf("]") + 1) : url.host;
  const colon = afterHost.lastIndexOf(":");
  return colon < 0 ? "" : afterHost.slice(colon + 1);
}

function escapedPath(url: KubernetesUrl): string {
  return url.path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g, (c) => encodeURIComponent(c));
}

function queryMap(url: KubernetesUrl): Map<string, string[]> {
  const result = new Map<string, string[]>();
  if (url.query === "") return result;
  for (const [key, value] of new URLSearchParams(url.query)) {
    const values = result.get(key) ?? [];
    values.push(value);
    result.set(key, values);
  }
  return result;
}

export function registerUrls(env: Environment): void {
  env.registerType("URL", KubernetesUrl);
  env.registerFunction(
    "url(string): URL",
    (text: string) => parseUrl(text) ?? celError(`url(${JSON.stringify(text)}): not an absolute URL or absolute path`),
  );
  env.registerFunction("isURL(string): bool", (text: string) => parseUrl(text) !== undefined);
  env.registerFunction("URL.getScheme(): string", (url: KubernetesUrl) => url.scheme);
  env.registerFunction("URL.getHost(): string", (url: KubernetesUrl) => url.host);
  env.registerFunction("URL.getHostname(): string", hostname);
  env.registerFunction("URL.getPort(): string", port);
  env.registerFunction("URL.getEscapedPath(): string", escapedPath);
  env.registerFunction("URL.getQuery(): map<string, list<string>>", queryMap);
}
