import { spawn } from "node:child_process";
import { arch, cpus, totalmem } from "node:os";
import { join } from "node:path";
import type { Figure } from "./report.js";

/**
 * `npm run bench`: every benchmark in its own process, one after another (they would disturb each
 * other's timings), then one table of each figure against the baseline measured in the same run.
 */
const BENCHES = [
  "model-throughput.ts",
  "sql-statements.ts",
  "federated-search.ts",
  "pull.ts",
  "inference.ts",
  "oip.ts",
  "rejections.ts",
  "replicas.ts",
  "startup.ts",
];
const tsx = join(import.meta.dirname, "../node_modules/.bin/tsx");

function run(script: string): Promise<Figure[]> {
  console.log(`\n# ${script}\n`);
  const child = spawn(tsx, [join(import.meta.dirname, script)], { stdio: ["ignore", "pipe", "inherit"] });
  const figures: Figure[] = [];
  let rest = "";
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("BENCH ")) figures.push(JSON.parse(line.slice(6)));
  });
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve(figures) : reject(new Error(`${script} exited with ${code}`)))),
  );
}

const figures: Figure[] = [];
for (const script of BENCHES) figures.push(...(await run(script)));

console.log(
  `\n# Summary: ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${arch()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
);
console.log("| figure | measured | baseline (same run) | ratio |");
console.log("| --- | --- | --- | --- |");
for (const f of figures) console.log(`| ${f.figure} | ${f.measured} | ${f.baseline} | ${f.ratio.toFixed(3)} |`);
