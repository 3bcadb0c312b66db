/** `ENOENT: no such file or directory, open 'x'` -> the same, once: Node repeats the code in the message. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${code}: ${message.replace(/^[A-Z]+: /, "")}`;
}
