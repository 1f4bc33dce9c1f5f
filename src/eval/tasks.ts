// The zero-shot evaluation tasks, one entry each: how its examples are read and scored (`format`:
// captions against references, or answers with VQA accuracy), the eval set it reads unless a stage
// names another (names under data.eval; those of the synthetic family) and its prompt (the paper's
// templates). A new task is an entry here; a new format also needs its runner in evaluate-assembly.ts.
import { VISUAL_MARKER } from '../data/text-batches.ts';

export const QUESTION_SLOT = '{question}';

/** The paper's captioning prompt, for training and evaluation alike. */
export const CAPTION_PROMPT = `Describe the following: ${VISUAL_MARKER} :`;

const QA_PROMPT = `Answer the question given the images. Given ${VISUAL_MARKER}. Question : ${QUESTION_SLOT} ? Answer:`;

export type TaskFormat = 'caption' | 'qa';

export interface EvalTaskEntry {
  format: TaskFormat;
  defaultSet: string;
  prompt: string;
}

export const EVAL_TASK_REGISTRY = {
  caption: { format: 'caption', defaultSet: 'coco', prompt: CAPTION_PROMPT },
  vqa: { format: 'qa', defaultSet: 'vqav2', prompt: QA_PROMPT },
  'video-caption': { format: 'caption', defaultSet: 'msrvtt', prompt: CAPTION_PROMPT },
  'video-qa': { format: 'qa', defaultSet: 'msrvtt-qa', prompt: QA_PROMPT.replace(/Answer:$/, 'Answer in exactly one word:') },
} as const satisfies Record<string, EvalTaskEntry>;

export type EvalTask = keyof typeof EVAL_TASK_REGISTRY;

/** The task names, in registration order (the evaluate stage's default `tasks`). */
export const EVAL_TASKS = Object.keys(EVAL_TASK_REGISTRY) as [EvalTask, ...EvalTask[]];

function byTask<T>(pick: (entry: EvalTaskEntry) => T): Record<EvalTask, T> {
  return Object.fromEntries(EVAL_TASKS.map((t) => [t, pick(EVAL_TASK_REGISTRY[t])])) as Record<EvalTask, T>;
}

/** Each task's prompt template. */
export const DEFAULT_PROMPTS: Record<EvalTask, string> = byTask((e) => e.prompt);

/** The eval set each task reads by default. */
export const DEFAULT_EVAL_SETS: Record<EvalTask, string> = byTask((e) => e.defaultSet);

export function isQaTask(task: EvalTask): boolean {
  return EVAL_TASK_REGISTRY[task].format === 'qa';
}
