/** What the CLI needs from its process, passed in so tests can run it in-process and read its output. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** Relative PATHs are resolved against this directory. */
  cwd: string;
  /** For NO_COLOR; absent means an empty environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The clock exceptions expire against; absent means the system clock. */
  now?: () => Date;
}
