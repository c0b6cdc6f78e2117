import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./services/free-port.js";

/**
 * The reference OCI registry (distribution's `registry:2`), as Debian packages it: a real
 * registry for the OCI tests, started per test file on a free port over a temporary folder.
 */

export const DOCKER_REGISTRY_PACKAGE = "docker-registry";

/** Whether /usr/bin/docker-registry runs here; the OCI tests skip, naming the package, when it does not. */
export function dockerRegistryInstalled(): boolean {
  return spawnSync("docker-registry", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Whether openssl runs here: the token-authentication tests make their signing certificate with it. */
export function opensslInstalled(): boolean {
  return spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;
}

/** The title a skipped suite carries, so a developer sees what to install. */
export function needsDockerRegistry(title: string, alsoOpenssl = false): string {
  const missing = [
    ...(dockerRegistryInstalled() ? [] : [DOCKER_REGISTRY_PACKAGE]),
    ...(alsoOpenssl && !opensslInstalled() ? ["openssl"] : []),
  ];
  if (missing.length === 0) return title;
  const message = `(skipped: apt-get install ${missing.join(" ")})`;
  console.warn(`${title} ${message}`);
  return `${title} ${message}`;
}

/** Token authentication as registry:2 configures it (auth.token): who issues tokens and signs them. */
export interface RegistryTokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate whose key signs the tokens. */
  certPath: string;
}

export interface DockerRegistry {
  url: string;
  stop(): Promise<void>;
}

export async function startDockerRegistry(options: { auth?: RegistryTokenAuth } = {}): Promise<DockerRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "oci-registry-"));
  const port = await freePort();
  const auth = options.auth
    ? `auth:
  token:
    realm: ${options.auth.realm}
    service: ${options.auth.service}
    issuer: ${options.auth.issuer}
    rootcertbundle: ${options.auth.certPath}
`
    : "";
  await writeFile(
    join(dir, "config.yml"),
    `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, "data")}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${auth}`,
  );
  let output = "";
  const child: ChildProcess = spawn("docker-registry", ["serve", join(dir, "config.yml")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let waited = 0; ; waited += 50) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited at start: ${output}`);
    // /v2/ answers 200, or 401 with token authentication: either way it serves.
    const answered = await fetch(`${url}/v2/`).then(
      (response) => response.status === 200 || response.status === 401,
      () => false,
    );
    if (answered) return { url, stop };
    if (waited > 15_000) {
      await stop();
      throw new Error(`docker-registry did not answer on ${url}: ${output}`);
    }
    await sleep(50);
  }
}
