import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** A GPU found on this machine. */
export interface GpuInfo {
  name: string;
  driverVersion: string | null;
  memoryBytes: number | null;
}

let detected: Promise<GpuInfo[]> | null = null;

/**
 * NVIDIA GPUs, as nvidia-smi lists them (once per process); empty where there is no driver.
 * ONNX Runtime's JavaScript API does not say which adapter its WebGPU provider picked.
 */
export function detectGpus(): Promise<GpuInfo[]> {
  detected ??= promisify(execFile)(
    "nvidia-smi",
    ["--query-gpu=name,driver_version,memory.total", "--format=csv,noheader,nounits"],
    { timeout: 5000 },
  ).then(
    ({ stdout }) => parseNvidiaSmi(stdout),
    () => [],
  );
  return detected;
}

/** `NVIDIA H200, 550.54.15, 143771` per line (memory in MiB). */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  return csv
    .split("\n")
    .map((line) => line.split(",").map((field) => field.trim()))
    .filter(([name]) => name)
    .map(([name, driver, mib]) => ({
      name: name as string,
      driverVersion: driver || null,
      memoryBytes: mib && /^\d+$/.test(mib) ? Number(mib) * 1024 * 1024 : null,
    }));
}
