/** The Kubernetes `cidr` library (k8s.io/apiserver/pkg/cel/library/cidr.go). */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "./errors.js";
import { formatIp, IpAddress, parseIp, requireIp } from "./ip.js";

export class Cidr {
  constructor(
    readonly ip: IpAddress,
    readonly prefixLength: number,
  ) {}
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const length = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(length)) return undefined;
  const bits = Number(length);
  if (bits > ip.bytes.length * 8) return undefined;
  return new Cidr(ip, bits);
}

function masked(cidr: Cidr): Cidr {
  const bytes = Uint8Array.from(cidr.ip.bytes);
  for (let bit = cidr.prefixLength; bit < bytes.length * 8; bit++) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) & ~(0x80 >> (bit & 7));
  return new Cidr(new IpAddress(bytes), cidr.prefixLength);
}

function contains(cidr: Cidr, ip: IpAddress): boolean {
  if (ip.family !== cidr.ip.family) return false;
  const network = masked(cidr).ip.bytes;
  return masked(new Cidr(ip, cidr.prefixLength)).ip.bytes.every((b, i) => b === network[i]);
}

function requireCidr(text: string): Cidr {
  return parseCidr(text) ?? celError(`cidr(${JSON.stringify(text)}): not a CIDR`);
}

const format = (cidr: Cidr): string => `${formatIp(cidr.ip)}/${cidr.prefixLength}`;

export function registerCidr(env: Environment): void {
  env.registerType("net.CIDR", Cidr);
  env.registerFunction("cidr(string): net.CIDR", requireCidr);
  env.registerFunction("isCIDR(string): bool", (text: string) => parseCidr(text) !== undefined);
  env.registerFunction("string(net.CIDR): string", format);
  env.registerFunction("net.CIDR.containsIP(string): bool", (cidr: Cidr, text: string) => contains(cidr, requireIp(text)));
  env.registerFunction("net.CIDR.containsIP(net.IP): bool", contains);
  env.registerFunction("net.CIDR.containsCIDR(string): bool", (cidr: Cidr, text: string) => containsCidr(cidr, requireCidr(text)));
  env.registerFunction("net.CIDR.containsCIDR(net.CIDR): bool", containsCidr);
  env.registerFunction("net.CIDR.ip(): net.IP", (cidr: Cidr) => cidr.ip);
  env.registerFunction("net.CIDR.masked(): net.CIDR", masked);
  env.registerFunction("net.CIDR.prefixLength(): int", (cidr: Cidr) => BigInt(cidr.prefixLength));
  env.registerOperator("net.CIDR == net.CIDR", (a: Cidr, b: Cidr) => format(a) === format(b));
}

function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && contains(outer, inner.ip);
}
