import type { Plugin } from "graphql-yoga";
import type { Services } from "../context.js";

/** GET /health: readiness as JSON (database, every registry's last call); 503 when the database is down. */
export function healthReport(services: Services): Plugin {
  return {
    async onRequest({ url, endResponse }) {
      if (url.pathname !== "/health") return;
      const database = await services.db
        .$queryRawUnsafe("SELECT 1")
        .then(() => "ok" as const)
        .catch(() => "unreachable" as const);
      const registries = [
        ...services.registries.enabled.map((r) => ({ name: r.name, kind: r.kind, enabled: true })),
        ...services.registries.disabled.map((r) => ({ name: r.name, kind: r.kind, enabled: false })),
      ].map((r) => ({ ...r, ...services.monitor.healthOf(r.name) }));
      const status = database === "ok" ? "ok" : "unavailable";
      endResponse(
        Response.json(
          { status, version: services.version, database, registries },
          { status: status === "ok" ? 200 : 503 },
        ),
      );
    },
  };
}
