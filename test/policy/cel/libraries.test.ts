/**
 * The Kubernetes CEL libraries, expression in, value out; expected values follow the API server's
 * library documentation (k8s.io/apiserver/pkg/cel/library) and the Kubernetes CEL reference page.
 */
import { describe, expect, test } from "@jest/globals";
import { compileCel, fromCel, toCel } from "../../../src/policy/cel/index.js";

function run(expression: string, bindings: Record<string, unknown> = {}): unknown {
  const compiled = compileCel(expression);
  if (!compiled.ok) throw new Error(compiled.error);
  const result = compiled.program.evaluate(bindings);
  if (!result.ok) throw new Error(result.error);
  return fromCel(result.value);
}

function failure(expression: string, bindings: Record<string, unknown> = {}): string {
  const compiled = compileCel(expression);
  if (!compiled.ok) return compiled.error;
  const result = compiled.program.evaluate(bindings);
  if (result.ok) throw new Error(`expected ${expression} to fail, got ${JSON.stringify(fromCel(result.value))}`);
  return result.error;
}

const cases: [string, string, unknown][] = [
  // lists
  ["lists", "[1, 2, 3].isSorted()", true],
  ["lists", "['b', 'a'].isSorted()", false],
  ["lists", "[1, 2, 3].sum()", 6],
  ["lists", "[1.5, 2.5].sum()", 4],
  ["lists", "[3, 1, 2].min()", 1],
  ["lists", "['a', 'c', 'b'].max()", "c"],
  ["lists", "[1, 2, 2, 3].indexOf(2)", 1],
  ["lists", "[1, 2, 2, 3].lastIndexOf(2)", 2],
  ["lists", "[1, 2].indexOf(5)", -1],
  // regex
  ["regex", "'abc 123'.find('[0-9]+')", "123"],
  ["regex", "'abc'.find('[0-9]+')", ""],
  ["regex", "'123 abc 456'.findAll('[0-9]+')", ["123", "456"]],
  ["regex", "'123 abc 456'.findAll('[0-9]+', 1)", ["123"]],
  ["regex", "'ABC'.find('(?i)abc')", "ABC"],
  // urls
  ["urls", "url('https://example.com:80/path?k=v&k=w').getScheme()", "https"],
  ["urls", "url('https://example.com:80/path').getHost()", "example.com:80"],
  ["urls", "url('https://[::1]:80/path').getHostname()", "::1"],
  ["urls", "url('https://example.com:80/path').getPort()", "80"],
  ["urls", "url('https://example.com/with space').getEscapedPath()", "/with%20space"],
  ["urls", "url('https://example.com/p?k=v&k=w').getQuery()", { k: ["v", "w"] }],
  ["urls", "url('/absolute-path').getHost()", ""],
  ["urls", "isURL('https://example.com')", true],
  ["urls", "isURL('not a url')", false],
  ["urls", "isURL('mailto:a@b')", false],
  // quantity
  ["quantity", "quantity('1.5Gi').isGreaterThan(quantity('1Gi'))", true],
  ["quantity", "quantity('500m').asApproximateFloat()", 0.5],
  ["quantity", "quantity('1k').asInteger()", 1000],
  ["quantity", "quantity('50k').add(quantity('20k')) == quantity('70k')", true],
  ["quantity", "quantity('50k').sub(20000).asInteger()", 30000],
  ["quantity", "quantity('1').compareTo(quantity('1000m'))", 0],
  ["quantity", "quantity('500m').isInteger()", false],
  ["quantity", "quantity('-1').sign()", -1],
  ["quantity", "isQuantity('1e3')", true],
  ["quantity", "isQuantity('1.2.3')", false],
  ["quantity", "quantity('1Mi').isLessThan(quantity('1M'))", false],
  // ip / cidr
  ["ip", "ip('192.168.0.1').family()", 4],
  ["ip", "ip('::1').isLoopback()", true],
  ["ip", "ip('169.254.1.1').isLinkLocalUnicast()", true],
  ["ip", "ip('224.0.0.1').isLinkLocalMulticast()", true],
  ["ip", "ip('8.8.8.8').isGlobalUnicast()", true],
  ["ip", "ip('0.0.0.0').isUnspecified()", true],
  ["ip", "isIP('::ffff:1.2.3.4')", false],
  ["ip", "isIP('fe80::1%eth0')", false],
  ["ip", "ip.isCanonical('2001:db8::1')", true],
  ["ip", "ip.isCanonical('2001:DB8::1')", false],
  ["ip", "string(ip('2001:db8:0:0:0:0:0:1'))", "2001:db8::1"],
  ["cidr", "cidr('192.168.0.0/16').containsIP('192.168.1.5')", true],
  ["cidr", "cidr('192.168.0.0/16').containsIP(ip('10.0.0.1'))", false],
  ["cidr", "cidr('192.168.0.0/16').containsCIDR('192.168.1.0/24')", true],
  ["cidr", "cidr('192.168.1.0/24').containsCIDR('192.168.0.0/16')", false],
  ["cidr", "string(cidr('192.168.1.5/24').masked())", "192.168.1.0/24"],
  ["cidr", "cidr('192.168.1.5/24').prefixLength()", 24],
  ["cidr", "string(cidr('192.168.1.5/24').ip())", "192.168.1.5"],
  ["cidr", "isCIDR('10.0.0.0/33')", false],
  // format
  ["format", "format.dns1123Label().validate('my-name').hasValue()", false],
  ["format", "format.dns1123Label().validate('My_Name').hasValue()", true],
  ["format", "format.named('dns1123Subdomain').value().validate('a.b.c').hasValue()", false],
  ["format", "format.named('no-such-format').hasValue()", false],
  ["format", "format.qualifiedName().validate('example.com/name').hasValue()", false],
  ["format", "format.labelValue().validate('').hasValue()", false],
  ["format", "format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()", false],
  ["format", "format.date().validate('2024-02-30').hasValue()", true],
  ["format", "format.dns1123LabelPrefix().validate('web-').hasValue()", false],
  // semver
  ["semver", "semver('1.2.3').major()", 1],
  ["semver", "semver('1.2.3-alpha').isLessThan(semver('1.2.3'))", true],
  ["semver", "semver('1.10.0').isGreaterThan(semver('1.9.9'))", true],
  ["semver", "semver('1.0.0-alpha.1').compareTo(semver('1.0.0-alpha.beta'))", -1],
  ["semver", "isSemver('v1.2')", false],
  ["semver", "isSemver('v1.2', true)", true],
  ["semver", "semver('v01.2', true).major()", 1],
  // strings extension
  ["strings", "'hello'.charAt(1)", "e"],
  ["strings", "'hello hello'.replace('he', 'we')", "wello wello"],
  ["strings", "'hello hello'.replace('he', 'we', 1)", "wello hello"],
  ["strings", "'a,b,c'.split(',')", ["a", "b", "c"]],
  ["strings", "['a', 'b'].join('-')", "a-b"],
  ["strings", "'  x '.trim()", "x"],
  ["strings", "'TacoCat'.lowerAscii()", "tacocat"],
  ["strings", "'%s has %s'.format(['list', 'items'])", "list has items"],
  ["strings", "'%d items'.format([3]) + ', ' + '%.2f each'.format([1.5])", "3 items, 1.50 each"],
  ["strings", "strings.quote('a\"b')", '"a\\"b"'],
  ["strings", "'abc'.reverse()", "cba"],
  // sets
  ["sets", "sets.contains([1, 2, 3], [2, 3])", true],
  ["sets", "sets.equivalent([1, 2], [2, 1, 1])", true],
  ["sets", "sets.intersects([1, 2], [3])", false],
  // optional types and bindings
  ["optionals", "object.?metadata.?labels.?team.orValue('none')", "none"],
  ["optionals", "object.?metadata.?name.orValue('none')", "web"],
  ["optionals", "optional.of(1).hasValue()", true],
  ["optionals", "optional.none().orValue(2)", 2],
  ["optionals", "object.metadata.?name.hasValue()", true],
  ["bindings", "cel.bind(name, object.metadata.name, name + '-' + name)", "web-web"],
  // JSON numbers: integers are int, others double
  ["numbers", "object.spec.replicas / 2", 1],
  ["numbers", "object.spec.ratio * 2.0", 1],
  ["numbers", "object.spec.replicas > 1", true],
  ["numbers", "has(object.metadata.constructor)", false],
];

const object = toCel({ metadata: { name: "web" }, spec: { replicas: 3, ratio: 0.5 } });

describe("Kubernetes CEL libraries", () => {
  test.each(cases)("%s: %s", (_library, expression, expected) => {
    expect(run(expression, { object })).toEqual(expected);
  });

  test("invalid arguments are evaluation errors naming the function", () => {
    expect(failure("quantity('abc')")).toMatch(/quantity\("abc"\): not a resource quantity/);
    expect(failure("ip('300.1.1.1')")).toMatch(/not an IP address/);
    expect(failure("cidr('10.0.0.0')")).toMatch(/not a CIDR/);
    expect(failure("semver('1.2')")).toMatch(/not a semantic version/);
    expect(failure("url('nope')")).toMatch(/not an absolute URL/);
    expect(failure("[].min()")).toMatch(/empty list/);
    expect(failure("quantity('500m').asInteger()")).toMatch(/not an integer/);
    expect(failure("'abc'.find('(?=a)')")).toMatch(/RE2/);
    // cel-js's built-in `matches` hands the pattern to RegExp, which has no inline flags: an error, never a guess.
    expect(failure("'ABC'.matches('(?i)^abc$')")).toMatch(/Invalid regular expression/);
  });

  test("a missing field is an evaluation error, as in the API server", () => {
    expect(failure("object.spec.missing == 1", { object })).toMatch(/No such key: missing/);
  });

  test("syntax and type errors are compile errors quoting the expression", () => {
    expect(failure("object.spec.(")).toMatch(/invalid CEL expression "object.spec.\("/);
    expect(failure("1 + 'a'")).toMatch(/invalid CEL expression/);
    expect(failure("[1, 'a']")).toMatch(/invalid CEL expression/);
  });

  test("the authorizer needs a live cluster and says so, naming the expression", () => {
    const compiled = compileCel("authorizer.group('apps').resource('deployments').check('create').allowed()");
    expect(compiled).toEqual({
      ok: false,
      error: expect.stringMatching(/"authorizer.group\('apps'\).*" needs a live cluster: the cluster's authorizer/),
      needs: "the cluster's authorizer (authorizer.* checks)",
    });
  });
});
