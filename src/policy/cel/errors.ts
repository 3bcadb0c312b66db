/**
 * The errors of the CEL environment, as values: a policy's expression that cannot be compiled or
 * evaluated is reported where it is written, never thrown past the policy.
 */
export class CelEvaluationError extends Error {
  override readonly name = "CelEvaluationError";
}

/** Raised by library functions for invalid arguments (`quantity("x")`), as cel-go returns an error value. */
export function celError(message: string): never {
  throw new CelEvaluationError(message);
}

/** The first line of a cel-js error: its later lines draw the expression, which our messages quote already. */
export function errorSummary(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
