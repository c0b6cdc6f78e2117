import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLResponse, startTestApp, type TestApp } from "./helpers/test-app.js";
import { type ManifestServer, REAL_ENTRIES, startManifestServer } from "./helpers/zoo-manifest-server.js";

const FILES_URL = "http://mirror.test/onnxmodelzoo/legacy_models/resolve/main";

let source: ManifestServer;
let gateway: TestApp;
beforeAll(async () => {
  source = await startManifestServer();
  gateway = await startTestApp({
    env: { REGISTRIES: "local,onnx-zoo", ONNX_ZOO_MANIFEST_URL: source.url, ONNX_ZOO_FILES_URL: FILES_URL },
  });
});
afterAll(async () => {
  await gateway.close();
  await source.close();
});

const SEARCH = `query Search($query: String, $filter: ModelFilter, $registries: [String!], $first: Int, $after: String) {
  searchModels(query: $query, filter: $filter, registries: $registries, first: $first, after: $after) {
    edges { node { ref name task tags opset revision inputs { name elementType shape } } }
    pageInfo { hasNextPage endCursor }
    failures { registry code message }
  }
}`;

interface Node {
  ref: string;
  name: string;
  task: string | null;
  tags: string[];
  opset: number | null;
  revision: string | null;
  inputs: Array<{ name: string; elementType: string | null; shape: Array<number | string> }> | null;
}
type SearchData = {
  searchModels: {
    edges: Array<{ node: Node }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    failures: unknown[];
  };
};

/** Every result of a zoo search, read page by page. */
async function searchZoo(variables: Record<string, unknown>, first = 50): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  do {
    const { data, errors }: GraphQLResponse<SearchData> = await gateway.graphql<SearchData>(SEARCH, {
      ...variables,
      registries: ["onnx-zoo"],
      first,
      after,
    });
    expect(errors).toBeUndefined();
    expect(data?.searchModels.failures).toEqual([]);
    nodes.push(...(data?.searchModels.edges.map((edge) => edge.node) ?? []));
    after = data?.searchModels.pageInfo.hasNextPage ? data.searchModels.pageInfo.endCursor : null;
  } while (after);
  return nodes;
}

const refOf = (name: string) => `onnx-zoo:${name.replace(/\s+/g, "_")}`;
const namesWhere = (keep: (entry: (typeof REAL_ENTRIES)[number]) => boolean) =>
  [...new Set(REAL_ENTRIES.filter(keep).map((entry) => entry.model))].sort();

describe("ONNX Model Zoo registry, over the real manifest", () => {
  it("parses all 184 entries into 116 models and pages through them listing each exactly once", async () => {
    const nodes = await searchZoo({}, 50);
    const refs = nodes.map((node) => node.ref);

    expect(REAL_ENTRIES).toHaveLength(184);
    expect(refs).toHaveLength(116);
    expect(new Set(refs).size).toBe(116);
    expect(refs.sort()).toEqual(
      namesWhere(() => true)
        .map(refOf)
        .sort(),
    );
  });

  it("finds the ResNet family when searching resnet", async () => {
    const nodes = await searchZoo({ query: "resnet" });
    const hasResnet = (entry: (typeof REAL_ENTRIES)[number]) =>
      /resnet/i.test(entry.model) || entry.metadata.tags.some((tag) => /resnet/i.test(tag));

    expect(nodes.map((node) => node.name).sort()).toEqual(namesWhere(hasResnet));
    expect(nodes.map((node) => node.name)).toEqual(
      expect.arrayContaining(["ResNet18", "ResNet50", "ResNet50-v2", "ResNet101", "ResNet152-v2", "FCN ResNet-50"]),
    );
    expect(nodes[0]?.name).toMatch(/^ResNet/);
  });

  it("filters by opset, showing each model at its highest opset in range under a reference that names it", async () => {
    const old = await searchZoo({ filter: { opset: { max: 6 } } });
    const recent = await searchZoo({ filter: { opset: { min: 13 } } });

    expect(old.map((node) => node.name).sort()).toEqual(namesWhere((entry) => entry.opset_version <= 6));
    expect(old.find((node) => node.name === "AlexNet")).toMatchObject({
      ref: "onnx-zoo:AlexNet@6",
      opset: 6,
      revision: "6",
    });
    expect(old.find((node) => node.name === "MNIST")).toMatchObject({ ref: "onnx-zoo:MNIST@1", opset: 1 });
    expect(recent.map((node) => [node.ref, node.opset]).sort()).toEqual([
      ["onnx-zoo:ResNet-preproc", 18],
      ["onnx-zoo:SSD-MobilenetV1-12-qdq", 13],
      ["onnx-zoo:SqueezeNet_1.0-qdq", 13],
    ]);
  });

  it("still lists entries without io_ports, with a null signature", async () => {
    const old = await searchZoo({ filter: { opset: { max: 6 } } });

    expect(old.find((node) => node.name === "AlexNet")?.inputs).toBeNull();
    expect(old.find((node) => node.name === "Emotion FERPlus")).toMatchObject({
      ref: "onnx-zoo:Emotion_FERPlus@2",
      inputs: null,
    });
  });

  it("maps the zoo's tags to task names for the task filter", async () => {
    const detection = await searchZoo({ filter: { task: "object-detection" } });
    const segmentation = await searchZoo({ filter: { task: "image-segmentation" } });
    const classification = await searchZoo({ filter: { task: "image-classification" } });

    expect(detection.map((node) => node.name)).toEqual(
      expect.arrayContaining(["YOLOv4", "SSD", "Faster R-CNN R-50-FPN", "version-RFB-320"]),
    );
    expect(detection.map((node) => node.name)).not.toContain("FCN ResNet-50");
    expect(segmentation.map((node) => node.name).sort()).toEqual(
      namesWhere((entry) => ["fcn", "duc", "mask-rcnn"].some((tag) => entry.metadata.tags.includes(tag))),
    );
    expect(classification.map((node) => node.name)).toEqual(expect.arrayContaining(["MNIST", "ResNet50", "VGG 16"]));
    for (const node of [...detection, ...segmentation, ...classification]) expect(node.task).not.toBeNull();
    expect(new Set(detection.map((node) => node.task))).toEqual(new Set(["object-detection"]));
  });

  it("filters by tags", async () => {
    const nodes = await searchZoo({ filter: { tags: ["style transfer"] } });

    expect(nodes.map((node) => node.name).sort()).toEqual(["Candy", "Mosaic", "Pointilism", "Rain Princess", "Udnie"]);
  });
});
