import { FakeMlflow, type FakeMlflowOptions } from "./fake-mlflow.js";
import { startTestApp, type TestApp } from "./test-app.js";

export interface MlflowGateway {
  mlflow: FakeMlflow;
  gateway: TestApp;
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
  return {
    mlflow,
    gateway,
    async close() {
      await gateway.close();
      await mlflow.close();
    },
  };
}
