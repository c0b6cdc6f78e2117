import { FakeModelScope, type FakeModelScopeOptions } from "./fake-modelscope.js";
import { startTestApp, type TestApp } from "./test-app.js";

export interface ModelScopeGateway extends AsyncDisposable {
  modelscope: FakeModelScope;
  gateway: TestApp;
  /** Closes the gateway, then the fake (both also close themselves when started in a test). */
  close(): Promise<void>;
}

/** A fake ModelScope and a gateway whose built-in `modelscope` registry points at it (with short retry delays). */
export async function startModelScopeGateway(
  options: FakeModelScopeOptions,
  env: Record<string, string> = {},
): Promise<ModelScopeGateway> {
  const modelscope = await FakeModelScope.start(options);
  const gateway = await startTestApp({
    env: { REGISTRIES: "modelscope", MODELSCOPE_ENDPOINT: modelscope.url, MODELSCOPE_RETRY_BACKOFF_MS: "5", ...env },
  });
  const close = async () => {
    await gateway.close();
    await modelscope.close();
  };
  return {
    modelscope,
    gateway,
    close,
    [Symbol.asyncDispose]: close,
  };
}
