/**
 * How each Gatekeeper library kind is declared: its parameter schema and an evaluator built from
 * validated parameters. The wrapper gives every kind the same behaviour around that core:
 * parameters checked before anything runs, and violations that are a set keyed by message, because
 * a Rego `violation[{"msg": msg}]` rule is a set — two rules (or two identical containers) producing
 * the same message are one violation in Gatekeeper, and counts must agree with it.
 */
import type { RuleFix } from "../../../fix/types.js";
import type { JsonObject, JsonValue } from "../../../manifests/types.js";
import type { EvaluationContext, Evaluator, ParameterError, PolicyKind, Violation } from "../../types.js";
import { isUpdate } from "./review.js";
import { validate, type ObjectSchema } from "./schema.js";

export const GATEKEEPER_LIBRARY_URL = "https://open-policy-agent.github.io/gatekeeper-library/website/";

export const CONSTRAINT_API_VERSIONS: readonly string[] = [
  "constraints.gatekeeper.sh/v1beta1",
  "constraints.gatekeeper.sh/v1alpha1",
  "constraints.gatekeeper.sh/v1",
];

export interface KindDefinition<P> {
  /** The constraint kind, e.g. `K8sAllowedRepos`. */
  kind: string;
  /** The upstream ConstraintTemplate this implements, e.g. `library/general/allowedrepos`. */
  template: string;
  description: string;
  /** How to fix a violation (the upstream messages say what is wrong, not what to change). */
  fix: string;
  target: "pod" | "object";
  parameters: ObjectSchema;
  /**
   * The template guards every violation with `not is_update(input.review)`: the fields it checks are
   * immutable, so only creating the object can break it and an UPDATE is never judged.
   */
  exemptsUpdates?: boolean;
  /** Checks the schema cannot express (a quantity that must parse, a regex that must compile). */
  check?(parameters: P): ParameterError[];
  /** Builds the evaluator from parameters that passed `parameters` and `check`. */
  build(parameters: P): (object: JsonObject, context: EvaluationContext) => Violation[];
  /**
   * The mechanical fix of a violation, where one is safe; absent: flagged only. (Issue 16's edit
   * model: richer than `RuleDoc.mechanicalFix`, which it predates; see src/fix/types.ts.)
   */
  mechanicalFix?: RuleFix;
}

export interface GatekeeperKind extends PolicyKind {
  /** The upstream ConstraintTemplate directory, for documentation and reports. */
  readonly template: string;
  /** The parameter schema, mirroring the template's `openAPIV3Schema`. */
  readonly parameters: ObjectSchema;
  /** Whether the template exempts UPDATE requests (`not is_update(input.review)`). */
  readonly exemptsUpdates: boolean;
}

export function defineKind<P>(definition: KindDefinition<P>): GatekeeperKind {
  return {
    kind: definition.kind,
    template: definition.template,
    parameters: definition.parameters,
    exemptsUpdates: definition.exemptsUpdates ?? false,
    apiVersions: CONSTRAINT_API_VERSIONS,
    target: definition.target,
    description: definition.description,
    rules: [
      {
        id: definition.kind,
        kind: definition.kind,
        title: `${definition.kind}: ${definition.description}`,
        checks: `${definition.description} Implements the Gatekeeper policy library constraint template ${definition.kind}; the constraint's parameters decide what is allowed.`,
        fix: definition.fix,
        helpUri: `${GATEKEEPER_LIBRARY_URL}validation/${definition.template.split("/").pop() ?? ""}`,
        tags: ["security", "kubernetes", "gatekeeper"],
      },
    ],
    compile(parameters: JsonValue | undefined) {
      const given = parameters ?? {};
      const schemaErrors = validate(definition.parameters, given);
      if (schemaErrors.length > 0) return { errors: schemaErrors };
      const typed = given as unknown as P;
      const checkErrors = definition.check?.(typed) ?? [];
      if (checkErrors.length > 0) return { errors: checkErrors };
      const evaluate = withFixes(definition.build(typed), definition.mechanicalFix);
      const evaluator: Evaluator = definition.exemptsUpdates
        ? (object, context) => (isUpdate(context) ? [] : uniqueByMessage(evaluate(object, context)))
        : (object, context) => uniqueByMessage(evaluate(object, context));
      return { evaluator };
    },
  };
}

function withFixes(
  evaluate: (object: JsonObject, context: EvaluationContext) => Violation[],
  fix: RuleFix | undefined,
): (object: JsonObject, context: EvaluationContext) => Violation[] {
  if (!fix) return evaluate;
  return (object, context) =>
    evaluate(object, context).map((violation) => {
      const edits = fix(object, violation.path);
      return edits ? { ...violation, fix: edits } : violation;
    });
}

function uniqueByMessage(violations: Violation[]): Violation[] {
  if (violations.length < 2) return violations;
  const seen = new Set<string>();
  return violations.filter((v) => (seen.has(v.message) ? false : (seen.add(v.message), true)));
}
