/**
 * The one table from registries' own tags to the gateway's task names, which are the Hugging Face
 * pipeline names ("image-classification"), so a `filter.task` means the same in every registry.
 * Registries whose tags say the task in other words add their rows here.
 */
const TASK_RULES: ReadonlyArray<{ tags: readonly string[]; task: string }> = [
  // ONNX Model Zoo: a domain tag, a category tag, then the model family. The most specific rule
  // comes first: the zoo files segmentation models under "object detection segmentation".
  { tags: ["vision", "fcn"], task: "image-segmentation" },
  { tags: ["vision", "duc"], task: "image-segmentation" },
  { tags: ["vision", "mask-rcnn"], task: "image-segmentation" },
  { tags: ["vision", "object detection segmentation"], task: "object-detection" },
  { tags: ["vision", "classification"], task: "image-classification" },
  { tags: ["vision", "emotion ferplus"], task: "image-classification" },
  { tags: ["vision", "arcface"], task: "image-feature-extraction" },
  { tags: ["vision", "ultraface"], task: "object-detection" },
  { tags: ["vision", "style transfer"], task: "image-to-image" },
  { tags: ["vision", "super resolution"], task: "image-to-image" },
  { tags: ["text", "bert-squad"], task: "question-answering" },
  { tags: ["text", "bidirectional attention flow"], task: "question-answering" },
  { tags: ["text", "gpt-2"], task: "text-generation" },
  { tags: ["text", "t5"], task: "text2text-generation" },
];

/** The task a model performs, from its tags (compared without regard to case); null when no rule fits. */
export function taskFromTags(tags: readonly string[]): string | null {
  const present = new Set(tags.map((tag) => tag.toLowerCase()));
  return TASK_RULES.find((rule) => rule.tags.every((tag) => present.has(tag)))?.task ?? null;
}
