import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayClient } from "../../src/client/gateway-client.js";
import { startChildGateway } from "./child-gateway.js";

const replicaMain = join(import.meta.dirname, "replica-child.ts");

/** A gateway replica running in a process of its own, and typed clients of it (one per API key). */
export interface Replica {
  url: string;
  process: ChildProcess;
  client(apiKey: string): GatewayClient;
  /** SIGKILL: the replica dies as a crashed machine's would, without a word to anyone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts replica-child.ts with the shared services' variables and a data folder of its own. */
export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-replica-"));
  const child = startChildGateway({ ...env, DATA_DIR: dataDir }, replicaMain);
  const url = await child.url;
  const exited = new Promise((resolve) => child.process.once("exit", resolve));
  const end = async (signal: NodeJS.Signals) => {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill(signal);
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  return {
    url,
    process: child.process,
    client: (apiKey) => new GatewayClient({ url: `${url}/graphql`, apiKey }),
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}
