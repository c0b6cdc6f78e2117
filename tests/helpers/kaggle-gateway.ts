import { FakeKaggle, type FakeKaggleOptions } from "./fake-kaggle.js";
import { startTestApp, type TestApp } from "./test-app.js";

export interface KaggleGateway extends AsyncDisposable {
  kaggle: FakeKaggle;
  gateway: TestApp;
  /** Closes the gateway, then the fake (both also close themselves when started in a test). */
  close(): Promise<void>;
}

/** A fake Kaggle (with its storage) and a gateway whose `kaggle` registry points at it, with short retry delays. */
export async function startKaggleGateway(
  options: FakeKaggleOptions,
  env: Record<string, string> = {},
): Promise<KaggleGateway> {
  const kaggle = await FakeKaggle.start(options);
  const gateway = await startTestApp({
    env: { REGISTRIES: "kaggle", KAGGLE_API_ENDPOINT: kaggle.url, KAGGLE_RETRY_BACKOFF_MS: "5", ...env },
  });
  const close = async () => {
    await gateway.close();
    await kaggle.close();
  };
  return {
    kaggle,
    gateway,
    close,
    [Symbol.asyncDispose]: close,
  };
}
