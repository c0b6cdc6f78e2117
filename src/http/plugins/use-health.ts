import type { Plugin } from "graphql-yoga";
import type { Services } from "../../context.js";
import { hasScope } from "../../security/api-keys.js";
import { identify } from "../../security/identify.js";

/**
 * GET /health: readiness as JSON, 503 when the database cannot be used; `degraded` (still 200:
 * reads are served) when Redis or the model store the replicas share is down, which refuses
 * pulls. The details — each dependency's state and latency, every registry's last call, each
 * execution provider, each remote inference backend's health, the version — are for
 * operators: with API keys configured, only a key with the read scope sees them; anyone else gets
 * the status alone, which is all a load balancer needs.
 */
export function useHealth(services: Services): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== "/health") return;
      const [database, shared] = await Promise.all([services.databaseHealth.check(), services.dependencies.report()]);
      const sharedDown = shared.redis?.status === "unavailable" || shared.store.status === "unavailable";
      const status = database.status !== "ok" ? "unavailable" : sharedDown ? "degraded" : "ok";
      const httpStatus = status === "unavailable" ? 503 : 200;
      const caller = identify(services.config.security.apiKeys, request.headers.get("authorization"));
      if (!("principal" in caller) || !hasScope(caller.principal, "read")) {
        endResponse(Response.json({ status }, { status: httpStatus }));
        return;
      }
      const registries = [
        ...services.registries.enabled.map((r) => ({ name: r.name, kind: r.kind, enabled: true })),
        ...services.registries.disabled.map((r) => ({ name: r.name, kind: r.kind, enabled: false })),
      ].map((r) => ({ ...r, ...services.monitor.healthOf(r.name) }));
      const { providers } = services.inference.engine;
      const executionProviders = await Promise.all(
        providers.enabled.map(async (provider) => {
          const { initialized, error } = await providers.check(provider);
          return { provider: provider.toUpperCase(), initialized, error };
        }),
      );
      const inferenceBackends = services.backends.report().map((backend) => ({
        name: backend.name,
        url: backend.url,
        status: backend.status,
        error: backend.error,
        checkedAt: backend.checkedAt,
        latencyMs: backend.latencyMs,
      }));
      endResponse(
        Response.json(
          {
            status,
            version: services.version,
            database: { provider: services.config.database.provider, ...database },
            redis: shared.redis,
            store: shared.store,
            registries,
            executionProviders,
            inferenceBackends,
          },
          { status: httpStatus },
        ),
      );
    },
  };
}
