/** Waiting for the app process to have no check queued or running (its health endpoint counts them). */
import type { AppProcess } from "../../emulator/harness.js";

export async function waitIdle(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${app.url}/healthz`);
    const health = JSON.parse(await response.text()) as { checksRunning?: number };
    if (health.checksRunning === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app still had checks running after ${timeoutMs} ms`);
}
