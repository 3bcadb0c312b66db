/**
 * K8sAllowedRepos — upstream template `library/general/allowedrepos` (v1.0.2).
 * Every container image must start with one of `repos` (a plain prefix, no glob; end registries
 * and Docker Hub organisations with `/` so `myorg` does not also admit `myorg-evil/...`).
 */
import { CONTAINER_LABEL, containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  repos: string[];
}

export const allowedRepos = defineKind<Parameters>({
  kind: "K8sAllowedRepos",
  template: "library/general/allowedrepos",
  description: "Requires container images to begin with a string from the specified list.",
  fix: "Use an image from one of the allowed repositories listed in the constraint.",
  target: "pod",
  // Without `repos` the upstream message is undefined and the rule never fires: required here.
  parameters: obj({ repos: arrayOf(str()) }, ["repos"]),
  build:
    ({ repos }) =>
    (pod) =>
      podContainers(pod).flatMap((c) =>
        typeof c.image === "string" && !repos.some((repo) => (c.image as string).startsWith(repo))
          ? [
              containerViolation(
                c,
                msg`${CONTAINER_LABEL[c.list]} <${c.name}> has an invalid image repo <${c.image}>, allowed repos are ${repos}`,
                "image",
              ),
            ]
          : [],
      ),
});
