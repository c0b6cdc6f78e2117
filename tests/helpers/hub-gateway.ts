import { FakeHub, type FakeHubOptions } from "./fake-hub.js";
import { startTestApp, type TestApp, type TestAppOptions } from "./test-app.js";

export interface HubGateway extends AsyncDisposable {
  hub: FakeHub;
  gateway: TestApp;
  /** Closes the gateway, then the fake (both also close themselves when started in a test). */
  close(): Promise<void>;
}

/** A fake Hub and a gateway whose `hf` registry points at it (with short retry delays). */
export async function startHubGateway(
  options: FakeHubOptions,
  env: Record<string, string> = {},
  app: Pick<TestAppOptions, "http"> = {},
): Promise<HubGateway> {
  const hub = await FakeHub.start(options);
  const gateway = await startTestApp({
    ...app,
    env: { REGISTRIES: "hf", HF_ENDPOINT: hub.url, HF_RETRY_BACKOFF_MS: "5", ...env },
  });
  const close = async () => {
    await gateway.close();
    await hub.close();
  };
  return {
    hub,
    gateway,
    close,
    [Symbol.asyncDispose]: close,
  };
}
