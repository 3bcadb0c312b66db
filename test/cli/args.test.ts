import { describe, expect, it } from "@jest/globals";
import { parseArgs } from "../../src/cli/args.js";

describe("command-line arguments", () => {
  it("reads check with its defaults", () => {
    expect(parseArgs(["check", "examples/"])).toEqual({
      command: "check",
      policies: [],
      format: "text",
      paths: ["examples/"],
      fix: "none",
      dryRun: false,
    });
  });

  it("reads --fix, --fix-warnings and --dry-run, which need --fix", () => {
    expect(parseArgs(["check", "--fix", "k8s"])).toMatchObject({ fix: "blocking", dryRun: false, paths: ["k8s"] });
    expect(parseArgs(["check", "--dry-run", "--fix-warnings", "--fix", "k8s"])).toMatchObject({ fix: "warnings", dryRun: true });
    expect(parseArgs(["check", "--dry-run", "k8s"])).toEqual({ command: "usage-error", message: "--dry-run needs --fix" });
  });

  it("reads repeated --policies, --format in both spellings, and several paths in order", () => {
    expect(parseArgs(["check", "--policies", "a.yaml", "b/", "--policies=c/", "--format=sarif", "x.yaml"])).toEqual({
      command: "check",
      policies: ["a.yaml", "c/"],
      format: "sarif",
      paths: ["b/", "x.yaml"],
      fix: "none",
      dryRun: false,
    });
    expect(parseArgs(["check", "--format", "json", "k8s"])).toMatchObject({ format: "json" });
  });

  it("treats everything after -- as a path", () => {
    expect(parseArgs(["check", "--", "--weird-name.yaml"])).toMatchObject({ command: "check", paths: ["--weird-name.yaml"] });
  });

  it("reads render and rules with the same option grammar as check", () => {
    expect(parseArgs(["render", "--format=json", "overlays/prod"])).toEqual({
      command: "render",
      format: "json",
      directory: "overlays/prod",
    });
    expect(parseArgs(["render", "--", "-odd-dir"])).toEqual({ command: "render", format: "yaml", directory: "-odd-dir" });
    expect(parseArgs(["rules", "--format", "markdown"])).toEqual({ command: "rules", format: "markdown" });
    expect(parseArgs(["rules"])).toEqual({ command: "rules", format: "text" });
  });

  it("answers --help, -h and --version wherever they appear", () => {
    expect(parseArgs(["--help"])).toEqual({ command: "help" });
    expect(parseArgs(["check", "-h"])).toEqual({ command: "help" });
    expect(parseArgs(["check", "--version", "x"])).toEqual({ command: "version" });
  });

  it.each([
    [[], /missing command/],
    [["lint", "x"], /unknown command "lint"/],
    [["check"], /missing PATH/],
    [["check", "--fromat", "json", "x"], /unknown option "--fromat"/],
    [["check", "--format", "xml", "x"], /unknown --format "xml": expected one of text, json, sarif/],
    [["check", "x", "--format"], /--format needs a value/],
    [["check", "x", "--policies"], /--policies needs a file or directory/],
    [["check", "--format", "json", "--format", "text", "x"], /--format given twice/],
    [["check", "--base", "a", "--base=b", "x"], /--base given twice/],
    [["render", "--format", "yaml", "--format", "json", "dir"], /--format given twice/],
    [["render", "--format", "toml", "dir"], /render --format needs one of yaml, json/],
    [["render", "a", "b"], /render needs exactly one DIR/],
    [["render", "--policies", "p", "dir"], /unknown option "--policies"/],
    [["rules", "--format", "html"], /--format for rules must be one of text, json, markdown \(got "html"\)/],
    [["rules", "--format"], /--format for rules must be one of text, json, markdown$/],
    [["rules", "x"], /rules takes no PATH \(got "x"\)/],
  ])("rejects %j with a helpful message", (argv, message) => {
    const request = parseArgs(argv);
    expect(request.command).toBe("usage-error");
    expect(request.command === "usage-error" && request.message).toMatch(message);
  });
});
