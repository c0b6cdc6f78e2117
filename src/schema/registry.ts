/**
 * `Registry` and `registries`: each configured registry instance, its kind, status and quota.
 */
import type { ModelManager, RegistryQuota } from "../registries/types.js";
import type { RegistryHealth } from "../services/registry-monitor.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";

interface RegistryView {
  name: string;
  kind: string;
  location: string;
  enabled: boolean;
  health: RegistryHealth;
  /** The strategy, for enabled registries. */
  manager?: ModelManager;
}

const RegistryQuotaObject = builder.objectRef<RegistryQuota>("RegistryQuota").implement({
  description: "What the registry last said is left of its rate-limit window, so clients can pace themselves.",
  fields: (t) => ({
    remaining: t.int({
      nullable: true,
      description: "Requests left in the current window.",
      resolve: (quota) => quota.remaining,
    }),
    limit: t.int({ nullable: true, description: "Requests allowed per window.", resolve: (quota) => quota.limit }),
    resetsAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the current window ends and the count starts again.",
      resolve: (quota) => quota.resetsAt,
    }),
    windowSeconds: t.int({
      nullable: true,
      description: "Length of the window in seconds.",
      resolve: (quota) => quota.windowSeconds ?? null,
    }),
    throttledAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the registry last made the gateway wait for the window to reset.",
      resolve: (quota) => quota.throttledAt ?? null,
    }),
  }),
});

const RegistryStatusEnum = describedEnum("RegistryStatus", "How the registry's last call went.", {
  UNKNOWN: "Not called since the gateway started.",
  OK: "The last call was answered.",
  DEGRADED: "The last call was answered only in part, or the registry is rate limiting.",
  UNREACHABLE: "The last call failed to reach the registry or timed out.",
});

const Registry = builder.objectRef<RegistryView>("Registry").implement({
  description: "A model registry the gateway searches and pulls from.",
  fields: (t) => ({
    name: t.exposeString("name", {
      description: "The instance's name: the prefix of its model references (`hf` in `hf:org/name`).",
    }),
    kind: t.exposeString("kind", {
      description:
        "What kind of registry this is (local-folder, huggingface, onnx-zoo, mlflow, kaggle, modelscope, oci…).",
    }),
    location: t.exposeString("location", { description: "The endpoint URL or folder the registry is read from." }),
    enabled: t.exposeBoolean("enabled", {
      description: "Whether the gateway uses it (REGISTRIES, or the instance's own default).",
    }),
    status: t.field({
      type: RegistryStatusEnum,
      description: "How the last call to the registry went.",
      resolve: (registry) => registry.health.status,
    }),
    lastError: t.string({
      nullable: true,
      description: "The error of the last call, when it failed.",
      resolve: (registry) => registry.health.lastError,
    }),
    lastCheckedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the registry was last called.",
      resolve: (registry) => registry.health.lastCheckedAt,
    }),
    lastLatencyMs: t.float({
      nullable: true,
      description: "How long the last call took, in milliseconds.",
      resolve: (registry) => registry.health.lastLatencyMs,
    }),
    quota: t.field({
      type: RegistryQuotaObject,
      nullable: true,
      description: "The registry's rate-limit window as it last reported it; null when it reports none.",
      resolve: (registry) => registry.manager?.quota?.() ?? null,
    }),
  }),
});

builder.queryField("registries", (t) =>
  t.field({
    type: [Registry],
    description: "Every registry the gateway knows, enabled or not, with the state of its last call.",
    resolve: (_root, _args, { services }) => [
      ...services.registries.enabled.map((manager) => ({
        name: manager.name,
        kind: manager.kind,
        location: manager.location,
        enabled: true,
        health: services.monitor.healthOf(manager.name),
        manager,
      })),
      ...services.registries.disabled.map((registry) => ({
        ...registry,
        enabled: false,
        health: services.monitor.healthOf(registry.name),
      })),
    ],
  }),
);
