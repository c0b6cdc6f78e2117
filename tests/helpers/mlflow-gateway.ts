import { FakeMlflow, type FakeMlflowOptions } from "./fake-mlflow.js";
import { startTestApp, type TestApp } from "./test-app.js";

export interface MlflowGateway extends AsyncDisposable {
  mlflow: FakeMlflow;
  gateway: TestApp;
  /** Closes the gateway, then the fake (both also close themselves when started in a test). */
  close(): Promise<void>;
}

/** A fake MLflow server and a gateway whose built-in `mlflow` registry points at it (with short retry delays). */
export async function startMlflowGateway(
  options: FakeMlflowOptions,
  env: Record<string, string> = {},
): Promise<MlflowGateway> {
  const mlflow = await FakeMlflow.start(options);
  const gateway = await startTestApp({
    env: { REGISTRIES: "mlflow", MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_RETRY_BACKOFF_MS: "5", ...env },
  });
  const close = async () => {
    await gateway.close();
    await mlflow.close();
  };
  return {
    mlflow,
    gateway,
    close,
    [Symbol.asyncDispose]: close,
  };
}
