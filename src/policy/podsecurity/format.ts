/**
 * Upstream's wording helpers (`policy/helpers.go`), so details read as the API server's do. Each
 * violation names a single setter, so upstream's pluralize/joinQuote reduce to these.
 */

/** Go's `%q` for the strings found in manifests. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** How upstream names a container in a detail: `container "app"`. */
export function containerLabel(name: string): string {
  return `container ${quote(name)}`;
}
