/**
 * One process of the concurrent-writers test: WRITERS async writers hammer the database at
 * DATA_DIR until DEADLINE (epoch ms) with the gateway's three kinds of writes, then print how many
 * of each succeeded and the errors seen, as one JSON line.
 */
import { openDatabase } from "../../src/db/client.js";
import { databaseUrl } from "../../src/db/database-url.js";
import { ModelStore } from "../../src/db/model-store.js";
import { fakeModel } from "./fake-registry.js";

const process_ = Number(process.env.PROCESS_INDEX);
const writers = Number(process.env.WRITERS);
const deadline = Number(process.env.DEADLINE);
const db = await openDatabase(databaseUrl(process.env));
const store = new ModelStore(db);
const counts = { pullUpdates: 0, inferenceRuns: 0, modelUpserts: 0 };
const errors: string[] = [];
/** When this process's first and last writes landed (epoch ms), to show the processes overlapped. */
const window = { firstWriteAt: Number.POSITIVE_INFINITY, lastWriteAt: 0 };
const wrote = () => {
  const now = Date.now();
  window.firstWriteAt = Math.min(window.firstWriteAt, now);
  window.lastWriteAt = Math.max(window.lastWriteAt, now);
};

async function writer(index: number) {
  const pullId = `pull-${process_}-${index}`;
  await db.pull.create({
    data: { id: pullId, ref: "local:x", registry: "local", modelId: "x", status: "RUNNING", patterns: [] },
  });
  for (let step = 0; Date.now() < deadline; step++) {
    try {
      if (step % 3 === 0) {
        await db.pull.update({ where: { id: pullId }, data: { bytesDone: { increment: 1 } } });
        counts.pullUpdates++;
        wrote();
      } else if (step % 3 === 1) {
        await db.inferenceRun.create({
          data: {
            id: `${pullId}-${step}`,
            ref: "local:x",
            registry: "local",
            modelId: "x",
            requestedProvider: "AUTO",
            status: "SUCCEEDED",
            inputs: [],
            outputs: [],
          },
        });
        counts.inferenceRuns++;
        wrote();
      } else {
        const info = fakeModel(`p${process_}`, index, { downloads: step });
        await store.save([{ ref: { registry: info.registry, id: info.id, revision: null }, info }], new Date());
        counts.modelUpserts++;
        wrote();
      }
    } catch (error) {
      errors.push(
        `${step % 3} ${(error as { code?: string }).code} ${String((error as Error).message)
          .trim()
          .split("\n")
          .at(-1)}`,
      );
    }
  }
}

await Promise.all(Array.from({ length: writers }, (_, i) => writer(i)));
console.log(JSON.stringify({ counts, ...window, errors: errors.slice(0, 5), errorCount: errors.length }));
await db.$disconnect();
