import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { ExecutionProviderName } from "../config.js";

const VULKAN_LOADER = "libvulkan.so.1";
const LIBRARY_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib"];

/**
 * What a provider needs on this machine that it lacks, or null. Probing a provider without it
 * only makes the native code print a plain-text line on stderr, outside the gateway's JSON logs
 * (Dawn's "Couldn't load Vulkan", onnxruntime's "Failed to load library"), so the probe is
 * skipped with this as its reason. Checked on Linux only; elsewhere the probe decides.
 */
export async function missingPrerequisite(provider: ExecutionProviderName): Promise<string | null> {
  if (process.platform !== "linux") return null;
  if (provider === "webgpu" && !(await hasVulkanLoader())) {
    return `no Vulkan loader (${VULKAN_LOADER}) on this machine; WebGPU runs on Vulkan (Debian: apt-get install libvulkan1)`;
  }
  if (provider === "cuda" && !(await exists(join(ortBinaries(), "libonnxruntime_providers_cuda.so")))) {
    return "onnxruntime-node was installed without its CUDA provider (npm install --onnxruntime-node-install=cuda12 on a machine with CUDA 12)";
  }
  return null;
}

async function hasVulkanLoader(): Promise<boolean> {
  const listed = await promisify(execFile)("ldconfig", ["-p"])
    .then(({ stdout }) => stdout.includes(VULKAN_LOADER))
    .catch(() => false);
  if (listed) return true;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean), ...LIBRARY_DIRS];
  for (const dir of dirs) if (await exists(join(dir, VULKAN_LOADER))) return true;
  return false;
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
function ortBinaries(): string {
  const root = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
  return join(root, "bin", "napi-v6", process.platform, process.arch);
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
