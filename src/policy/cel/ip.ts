/**
 * The Kubernetes `ip` library (k8s.io/apiserver/pkg/cel/library/ip.go): addresses as the API server
 * accepts them, without zones and without IPv4-mapped IPv6 forms.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { isIPv4, isIPv6 } from "node:net";
import { celError } from "./errors.js";

export class IpAddress {
  /** 4 or 16 bytes. */
  constructor(readonly bytes: Uint8Array) {}
  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }
}

export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    // Go's netip refuses leading zeros (`010.0.0.1`), which would be read as octal elsewhere.
    if (text.split(".").some((part) => part.length > 1 && part.startsWith("0"))) return undefined;
    return new IpAddress(Uint8Array.from(text.split(".").map(Number)));
  }
  if (!isIPv6(text) || text.includes("%")) return undefined;
  const bytes = ipv6Bytes(text);
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return undefined;
  return new IpAddress(bytes);
}

function ipv6Bytes(text: string): Uint8Array {
  let groups: string[];
  let tail: number[] = [];
  let body = text;
  const lastColon = body.lastIndexOf(":");
  if (body.slice(lastColon + 1).includes(".")) {
    tail = body
      .slice(lastColon + 1)
      .split(".")
      .map(Number);
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  if (body.includes("::")) {
    const [head = "", rest = ""] = body.split("::");
    const left = head === "" ? [] : head.split(":");
    const right = rest === "" ? [] : rest.split(":");
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  } else groups = body.split(":");
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

/** The canonical text form: dotted quad, or RFC 5952 for IPv6 (lowercase, longest zero run as `::`). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [...ip.bytes].join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

function inPrefix(ip: IpAddress, prefix: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((ip.bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

const isUnspecified = (ip: IpAddress): boolean => ip.bytes.every((b) => b === 0);
const isLoopback = (ip: IpAddress): boolean =>
  ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.slice(0, 15).every((b) => b === 0) && ip.bytes[15] === 1;
const isLinkLocalMulticast = (ip: IpAddress): boolean => (ip.family === 4 ? inPrefix(ip, [224, 0, 0], 24) : inPrefix(ip, [0xff, 0x02], 16));
const isLinkLocalUnicast = (ip: IpAddress): boolean => (ip.family === 4 ? inPrefix(ip, [169, 254], 16) : inPrefix(ip, [0xfe, 0x80], 10));
const isMulticast = (ip: IpAddress): boolean => (ip.family === 4 ? inPrefix(ip, [224], 4) : ip.bytes[0] === 0xff);
const isBroadcast = (ip: IpAddress): boolean => ip.family === 4 && ip.bytes.every((b) => b === 255);
const isGlobalUnicast = (ip: IpAddress): boolean =>
  !isUnspecified(ip) && !isLoopback(ip) && !isMulticast(ip) && !isLinkLocalUnicast(ip) && !isBroadcast(ip);

export function requireIp(text: string): IpAddress {
  return parseIp(text) ?? celError(`ip(${JSON.stringify(text)}): not an IP address (zones and IPv4-mapped IPv6 are refused)`);
}

export function registerIp(env: Environment): void {
  env.registerType("net.IP", IpAddress);
  env.registerFunction("ip(string): net.IP", requireIp);
  env.registerFunction("isIP(string): bool", (text: string) => parseIp(text) !== undefined);
  env.registerFunction("string(net.IP): string", formatIp);
  env.registerFunction("net.IP.family(): int", (ip: IpAddress) => BigInt(ip.family));
  env.registerFunction("net.IP.isUnspecified(): bool", isUnspecified);
  env.registerFunction("net.IP.isLoopback(): bool", isLoopback);
  env.registerFunction("net.IP.isLinkLocalMulticast(): bool", isLinkLocalMulticast);
  env.registerFunction("net.IP.isLinkLocalUnicast(): bool", isLinkLocalUnicast);
  env.registerFunction("net.IP.isGlobalUnicast(): bool", isGlobalUnicast);
  env.registerOperator("net.IP == net.IP", (a: IpAddress, b: IpAddress) => formatIp(a) === formatIp(b));
}

/** `ip.isCanonical(text)`: registered with the `ip` namespace constant, see cidr.ts for the namespace. */
export function isCanonicalIp(text: string): boolean {
  return formatIp(requireIp(text)) === text;
}
