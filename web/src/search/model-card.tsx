import { ACCESS_LABELS, formatBytes, formatCount, formatDate } from "../format.js";
import { modelPath } from "../model-path.js";
import type { CardModel } from "./search-documents.js";

/**
 * One search result: an article headed by the model reference (a link to its details), with its
 * registry badge and the facts people compare models by.
 */
export function ModelCard({ model }: { model: CardModel }) {
  const headingId = `card-${model.ref}`;
  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-head">
        <span class={`badge badge-registry registry-${model.registry}`} title={`registry ${model.registry}`}>
          {model.registry}
        </span>
        <AccessBadge status={model.accessStatus} />
      </header>
      <h2 id={headingId} class="card-title">
        <a href={modelPath(model.ref)}>{model.ref}</a>
      </h2>
      {model.name !== model.ref.slice(model.registry.length + 1) && <p class="card-name">{model.name}</p>}
      <dl class="facts">
        <Fact label="Author" value={model.author ?? "—"} />
        <Fact label="Format" value={model.format} />
        <Fact label="Task" value={model.task ?? "—"} />
        <Fact label="Size" value={formatBytes(model.sizeBytes)} />
        <Fact label="Downloads" value={formatCount(model.downloads)} />
        <Fact label="Likes" value={formatCount(model.likes)} />
        <Fact label="Updated" value={formatDate(model.updatedAt)} />
        <Fact label="Licence" value={model.license ?? "—"} />
      </dl>
      {(model.cached || model.stale) && (
        <p class="card-flags">
          {model.cached && <span class="badge badge-ok">cached</span>}
          {model.stale && <span class="badge badge-warn">stored copy</span>}
        </p>
      )}
    </article>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div class="fact">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Public, gated or token needed, in words and colour (the words carry the meaning). */
export function AccessBadge({ status }: { status: string }) {
  const tone = status === "PUBLIC" ? "ok" : status === "GATED" || status === "PRIVATE" ? "info" : "warn";
  return (
    <span class={`badge badge-${tone}`}>
      <span class="visually-hidden">Access: </span>
      {ACCESS_LABELS[status] ?? status.toLowerCase()}
    </span>
  );
}
