/**
 * The app's own bot account (`<slug>[bot]`), which tells the app's comments, the only ones whose
 * hidden exception records count, from everyone else's. Asked once per process with `GET /app`, which
 * GitHub serves only to the app's JWT (not to an installation token); a failed lookup is not
 * remembered, so the next evaluation asks again.
 */
import { botLoginOf, toApiError, type AppIdentitySource, type OctokitRequester } from "./octokit-gateway.js";

export class AppIdentity implements AppIdentitySource {
  private pending: Promise<string> | undefined;

  /** `appOctokit`: an Octokit authenticated as the app (Probot's `probot.auth()` without an installation id). */
  constructor(private readonly appOctokit: () => Promise<OctokitRequester>) {}

  botLogin(): Promise<string> {
    if (!this.pending) {
      const lookup = this.lookup();
      this.pending = lookup;
      lookup.catch(() => {
        if (this.pending === lookup) this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async lookup(): Promise<string> {
    const octokit = await this.appOctokit();
    try {
      return botLoginOf((await octokit.request("GET /app")).data);
    } catch (error) {
      throw toApiError("reading the app's identity (GET /app)", error);
    }
  }
}
