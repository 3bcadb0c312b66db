/**
 * The Kubernetes CEL environment, for policy kinds that carry CEL (ValidatingAdmissionPolicy,
 * Gatekeeper K8sNativeValidation, Kyverno ValidatingPolicy and `validate.cel`).
 */
export { compileCel, type CelProgram, type CelResult, type CompileOptions, type CompileResult } from "./program.js";
export { toCel, fromCel, describeCel } from "./values.js";
export type { CelLibrary } from "./environment.js";
