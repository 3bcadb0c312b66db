/**
 * K8sDisallowedRepos — upstream template `library/general/disallowedrepos` (v1.0.0).
 * No container image may start with one of `repos`.
 */
import { CONTAINER_LABEL, containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  repos: string[];
}

export const disallowedRepos = defineKind<Parameters>({
  kind: "K8sDisallowedRepos",
  template: "library/general/disallowedrepos",
  description: "Disallows container images that begin with a string from the specified list.",
  fix: "Use an image from a repository that is not on the constraint's disallowed list.",
  target: "pod",
  // Without `repos` nothing can ever match, which is surely a mistake: required here.
  parameters: obj({ repos: arrayOf(str()) }, ["repos"]),
  build:
    ({ repos }) =>
    (pod) =>
      podContainers(pod).flatMap((c) =>
        typeof c.image === "string" && repos.some((repo) => (c.image as string).startsWith(repo))
          ? [
              containerViolation(
                c,
                msg`${CONTAINER_LABEL[c.list]} <${c.name}> has an invalid image repo <${c.image}>, disallowed repos are ${repos}`,
                "image",
              ),
            ]
          : [],
      ),
});
