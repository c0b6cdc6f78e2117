/**
 * `Model.pulls`: a model's recent pulls, batched across a page of models.
 */
import { builder } from "./builder.js";
import { ModelObject } from "./model.js";
import { PullObject } from "./pull.js";

const RECENT_PULLS = 5;

/** Model.pulls: batched, so a page of 50 models reads its pull history with one query. */
builder.objectField(ModelObject, "pulls", (t) =>
  t.loadableList({
    type: PullObject,
    description: `The model's ${RECENT_PULLS} most recent pulls at any revision, newest first.`,
    load: (keys: string[], { services }) =>
      services.pulls.history.recentOf(
        keys.map((key) => JSON.parse(key) as { registry: string; modelId: string }),
        RECENT_PULLS,
      ),
    resolve: (view) => JSON.stringify({ registry: view.ref.registry, modelId: view.ref.id }),
  }),
);
