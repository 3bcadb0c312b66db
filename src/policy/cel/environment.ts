/**
 * The Kubernetes CEL environment: cel-js with the libraries the API server adds
 * (k8s.io/apiserver/pkg/cel/environment/base.go): strings v2, sets, optional types, bindings, lists,
 * regex, URLs, quantity, IP/CIDR, format, semver. Homogeneous aggregate literals are enforced as the
 * API server does. Variables are dynamic: the API server types `object` from the resource's schema, we
 * judge manifests whose schema we do not have, so field errors surface at evaluation.
 */
import { Environment } from "@marcbachmann/cel-js";
import { registerCidr } from "./cidr.js";
import { registerFormat } from "./format.js";
import { isCanonicalIp, registerIp } from "./ip.js";
import { registerLists } from "./lists.js";
import { registerQuantity } from "./quantity.js";
import { registerRegex } from "./regex.js";
import { registerSemver } from "./semver.js";
import { registerSets } from "./sets.js";
import { registerStrings } from "./strings.js";
import { registerUrls } from "./urls.js";

/**
 * Parse-time limits. The API server caps expression size through its own validation; these keep a
 * hostile expression from exhausting the parser: deep nesting, enormous literals.
 */
const LIMITS = { maxAstNodes: 10_000, maxDepth: 100, maxListElements: 1_000, maxMapEntries: 1_000, maxCallArguments: 32 };

class IpNamespace {}

/** A library of extra functions for an environment (e.g. Kyverno's), registered after the Kubernetes ones. */
export type CelLibrary = (env: Environment) => void;

function kubernetesEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: true,
    limits: LIMITS,
  });
  registerStrings(env);
  registerSets(env);
  registerLists(env);
  registerRegex(env);
  registerUrls(env);
  registerQuantity(env);
  registerIp(env);
  registerCidr(env);
  registerFormat(env);
  registerSemver(env);
  // `ip` is both a function (`ip("10.0.0.1")`) and a namespace (`ip.isCanonical("10.0.0.1")`).
  env.registerType("IpNamespace", IpNamespace);
  env.registerConstant("ip", "IpNamespace", new IpNamespace());
  env.registerFunction("IpNamespace.isCanonical(string): bool", (_: IpNamespace, text: string) => isCanonicalIp(text));
  return env;
}

let base: Environment | undefined;
const extended = new Map<CelLibrary, Environment>();

/** The shared Kubernetes environment, or a child of it with extra libraries; built once each. */
export function celEnvironment(library?: CelLibrary): Environment {
  base ??= kubernetesEnvironment();
  if (!library) return base;
  let env = extended.get(library);
  if (!env) {
    env = base.clone();
    library(env);
    extended.set(library, env);
  }
  return env;
}
