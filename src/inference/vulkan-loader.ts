import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const LOADER = "libvulkan.so.1";
const LIBRARY_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib"];

/**
 * Whether Linux can load the Vulkan loader, which onnxruntime's WebGPU provider (Dawn) needs.
 * Without it, probing WebGPU only makes Dawn print a plain-text warning on stderr, outside the
 * gateway's JSON logs; so the probe is skipped, with this as its reason. Elsewhere: not checked.
 */
export async function vulkanLoaderMissing(): Promise<string | null> {
  if (process.platform !== "linux") return null;
  const listed = await promisify(execFile)("ldconfig", ["-p"])
    .then(({ stdout }) => stdout.includes(LOADER))
    .catch(() => false);
  if (listed) return null;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean), ...LIBRARY_DIRS];
  for (const dir of dirs) {
    if (
      await access(join(dir, LOADER)).then(
        () => true,
        () => false,
      )
    )
      return null;
  }
  return `no Vulkan loader (${LOADER}) on this machine; WebGPU runs on Vulkan (Debian: apt-get install libvulkan1)`;
}
