#!/usr/bin/env node
// The `model-gateway` command (package.json "bin"; `npm run cli -- <verb>` in a checkout).
// The project runs its TypeScript through tsx without a build step: this shim registers tsx's
// loader in this very process and loads the entry, so Ctrl-C reaches the command itself (the
// tsx command would run it in a child process) and `npm install -g .` needs nothing but the
// checkout it links to.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
