import { FakeHub, type FakeHubOptions } from "./fake-hub.js";
import { startTestApp, type TestApp } from "./test-app.js";

export interface HubGateway {
  hub: FakeHub;
  gateway: TestApp;
  close(): Promise<void>;
}

/** A fake Hub and a gateway whose `hf` registry points at it (with short retry delays). */
export async function startHubGateway(options: FakeHubOptions, env: Record<string, string> = {}): Promise<HubGateway> {
  const hub = await FakeHub.start(options);
  const gateway = await startTestApp({
    env: { REGISTRIES: "hf", HF_ENDPOINT: hub.url, HF_RETRY_BACKOFF_MS: "5", ...env },
  });
  return {
    hub,
    gateway,
    async close() {
      await gateway.close();
      await hub.close();
    },
  };
}
