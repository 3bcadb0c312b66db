/** Every policy kind the engine knows, by `kind`. */
import { gatekeeperKinds } from "./gatekeeper/index.js";
import { podSecurityEnforceFloor } from "./podsecurity/enforce-floor.js";
import { podSecurity } from "./podsecurity/index.js";
import type { PolicyKind } from "./types.js";

export const policyKinds: ReadonlyMap<string, PolicyKind> = new Map(
  [podSecurity, podSecurityEnforceFloor, ...gatekeeperKinds].map((kind) => [kind.kind, kind]),
);
