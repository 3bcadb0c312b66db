/**
 * `semver_compare(version, range)` as Kyverno implements it with blang/semver ranges: comparators
 * `>=1.0.0`, `<2.0.0`, `!=1.2.3`, `=1.0.0` or a bare version, separated by spaces (and) and `||` (or).
 */

type Version = [number, number, number, string];

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] ?? ""];
}

export function compareSemver(a: Version, b: Version): number {
  for (let index = 0; index < 3; index++) {
    const difference = (a[index] as number) - (b[index] as number);
    if (difference !== 0) return Math.sign(difference);
  }
  if (a[3] === b[3]) return 0;
  if (a[3] === "") return 1; // a release is newer than its pre-releases
  if (b[3] === "") return -1;
  return comparePrerelease(a[3].split("."), b[3].split("."));
}

function comparePrerelease(a: string[], b: string[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const left = a[index];
    const right = b[index];
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    if (left === right) continue;
    const numeric = /^\d+$/.test(left) && /^\d+$/.test(right);
    if (numeric) return Math.sign(Number(left) - Number(right));
    return left < right ? -1 : 1;
  }
  return 0;
}

export function semverSatisfies(versionText: string, range: string): boolean {
  const version = parseSemver(versionText);
  if (!version) throw new Error(`semver_compare: invalid version ${JSON.stringify(versionText)}`);
  return range.split("||").some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .filter((part) => part !== "")
      .every((comparator) => satisfies(version, comparator)),
  );
}

function satisfies(version: Version, comparator: string): boolean {
  const match = /^(>=|<=|!=|==|=|>|<)?(.+)$/.exec(comparator);
  const bound = match ? parseSemver(match[2] as string) : undefined;
  if (!match || !bound) throw new Error(`semver_compare: invalid range ${JSON.stringify(comparator)}`);
  const order = compareSemver(version, bound);
  switch (match[1]) {
    case ">=":
      return order >= 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case "<":
      return order < 0;
    case "!=":
      return order !== 0;
    default:
      return order === 0;
  }
}
