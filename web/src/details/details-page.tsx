import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { ErrorNotice } from "../api/error-notice.js";
import { useQuery } from "../api/use-query.js";
import { formatBytes, formatCount, formatDate } from "../format.js";
import { PullPanel } from "../pull/pull-panel.js";
import { lastSearch } from "../router.js";
import { AccessBadge } from "../search/model-card.js";
import { TryIt } from "../try-it/try-it.js";
import { FileTable } from "./file-table.js";
import { type Details, ModelDetails } from "./model-documents.js";
import { RecentPulls } from "./recent-pulls.js";
import { RevisionPicker } from "./revision-picker.js";
import { SignatureTable } from "./signature-table.js";

/** The details view of one model: its facts, revisions, pull, try-it, signature, files and pulls. */
export function DetailsPage({ modelRef }: { modelRef: string }) {
  const { data, error, loading, reload } = useQuery(ModelDetails, { ref: modelRef });
  const model = data?.model ?? null;
  useEffect(() => {
    document.title = `${modelRef} — Model Gateway`;
  }, [modelRef]);
  const running = model?.pulls.find((pull) => pull.status === "RUNNING" || pull.status === "QUEUED")?.id ?? null;

  return (
    <main id="main" class="details-page">
      <p class="back">
        <a href={`/${lastSearch()}`}>← Back to the search</a>
      </p>
      <h1 class="model-ref">{modelRef}</h1>
      {error && <ErrorNotice error={error} />}
      {!model && loading && <p role="status">Loading…</p>}
      {model && (
        <>
          <p class="badges">
            <span class={`badge badge-registry registry-${model.registry}`}>{model.registry}</span>
            <AccessBadge status={model.accessStatus} />
            <span class={`badge ${model.cached ? "badge-ok" : "badge-muted"}`}>
              {model.cached ? "cached" : "not cached"}
            </span>
            {model.stale && <span class="badge badge-warn">stored copy: the registry is unreachable</span>}
          </p>
          {model.description && <p class="description">{model.description}</p>}
          {model.brokenReason && <p class="notice notice-warn">Unusable: {model.brokenReason}</p>}
          <Overview model={model} />
          <RevisionPicker
            modelRef={modelRef}
            revisions={model.availableRevisions ?? null}
            resolved={model.revision ?? null}
          />
          <Section id="pull" title="Pull">
            <PullPanel key={modelRef} modelRef={modelRef} cached={model.cached} running={running} onEnd={reload} />
          </Section>
          <Section id="try-it" title="Try it">
            <TryIt model={model} />
          </Section>
          <Section id="signature" title="Signature">
            <SignatureTable inputs={model.inputs ?? null} outputs={model.outputs ?? null} />
          </Section>
          <Section id="files" title="Files">
            <FileTable files={model.files ?? null} />
          </Section>
          <Section id="pulls" title="Recent pulls">
            <RecentPulls pulls={model.pulls} />
          </Section>
        </>
      )}
    </main>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

/** The model's facts, those its registry states. */
function Overview({ model }: { model: Details }) {
  const facts: Array<[string, ComponentChildren]> = [
    ["Name", model.name],
    ["Author", model.author],
    ["Licence", model.license],
    ["Format", model.format],
    ["Task", model.task],
    ["Size", model.sizeBytes == null ? null : formatBytes(model.sizeBytes)],
    ["Downloads", model.downloads == null ? null : formatCount(model.downloads)],
    ["Likes", model.likes == null ? null : formatCount(model.likes)],
    ["Updated", model.updatedAt ? formatDate(model.updatedAt) : null],
    ["Opset", model.opset],
    ["IR version", model.irVersion],
    ["Producer", model.producer],
    ["ONNX version", model.onnxVersion],
    ["Family", model.languageModel?.family],
    ["Parameters", model.languageModel?.parameterSize],
    ["Quantization", model.languageModel?.quantization],
    ["Context length", model.languageModel?.contextLength],
    ["Gate", model.gateKind?.toLowerCase()],
    [
      "Page",
      model.pageUrl ? (
        <a href={model.pageUrl} rel="noreferrer">
          {model.pageUrl}
        </a>
      ) : null,
    ],
  ];
  return (
    <>
      <dl class="facts overview">
        {facts
          .filter(([, value]) => value != null && value !== "")
          .map(([label, value]) => (
            <div class="fact" key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {model.tags.length > 0 && (
        <ul class="tags" aria-label="Tags">
          {model.tags.map((tag) => (
            <li key={tag} class="tag">
              {tag}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
