/**
 * Why a kustomization root cannot be rendered. Always names the file and line to fix and the
 * kustomize feature involved, and always stops the render: a root is never judged on a partial one.
 */
export class KustomizeError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** The kustomize feature involved (`resources`, `patches`, `helmCharts`, ...). */
    readonly feature: string,
    message: string,
  ) {
    super(message);
    this.name = "KustomizeError";
  }

  /** The files the render had read when it stopped (set by the renderer). */
  filesRead: string[] = [];
}
