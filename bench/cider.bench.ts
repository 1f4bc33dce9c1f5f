// Caption metrics at COCO-test scale: CIDEr-D over 5,000 images x 5 references (the target is
// well under a second), the PTB tokenization step, and all metrics end to end.
import { scoreCaptions } from '../src/eval/caption-metrics.ts';
import { ciderD } from '../src/eval/cider.ts';
import { NgramTable } from '../src/eval/ngrams.ts';
import { ptbTokenize } from '../src/eval/ptb/tokenize.ts';
import { formatTable } from '../src/cli/output.ts';
import { Rng } from '../src/util/rng.ts';
import type { Benchmark, BenchContext } from './registry.ts';
import { timeSteps } from './timing.ts';

const IMAGES = 5000;
const REFERENCES = 5;

const WORDS = {
  subject: ['a man', 'a woman', 'two people', 'a young boy', 'a dog', 'a black cat', 'a group of kids', 'an old man', 'a brown horse', 'a little girl'],
  verb: ['is riding', 'sits on', 'stands next to', 'is holding', 'looks at', 'walks along', 'plays with', 'is eating', 'jumps over', 'lies on'],
  object: ['a skateboard', 'a red bus', 'a wooden bench', 'a frisbee', 'a large pizza', 'the beach', 'a tennis racket', 'a white plate', 'a grassy field', 'the street'],
  tail: ['', ' in the park', ' near the water', ' on a sunny day', ', while people watch', ' at night', " in the city's center", ' (outside)'],
};

function caption(rng: Rng): string {
  const pick = (list: string[]) => list[rng.int(list.length)];
  const text = `${pick(WORDS.subject)} ${pick(WORDS.verb)} ${pick(WORDS.object)}${pick(WORDS.tail)}.`;
  return text[0].toUpperCase() + text.slice(1);
}

function makeCaptions(): { refs: Map<number, string[]>; cands: Map<number, string> } {
  const rng = new Rng(2024);
  const refs = new Map<number, string[]>();
  const cands = new Map<number, string>();
  for (let id = 0; id < IMAGES; id++) {
    refs.set(id, Array.from({ length: REFERENCES }, () => caption(rng)));
    cands.set(id, caption(rng));
  }
  return { refs, cands };
}

/** CIDEr-D alone, from tokenized captions: n-gram counting, document frequencies, scores. */
function ciderOnly(refs: string[][], cands: string[]): number {
  const table = new NgramTable();
  const refRows = refs.map((rs) => rs.map((r) => table.add(r)));
  const candRows = cands.map((c) => table.add(c));
  return ciderD(table, candRows, refRows, table.denseArrays()).score;
}

async function run(ctx: BenchContext): Promise<void> {
  const { refs, cands } = makeCaptions();
  const flatRefs = [...refs.values()].flat();
  const tokRefs = ptbTokenize(flatRefs);
  const tokenizedRefs = [...refs.values()].map((_, i) => tokRefs.slice(i * REFERENCES, (i + 1) * REFERENCES));
  const tokenizedCands = ptbTokenize([...cands.values()]);
  const plan = ctx.quick ? { warmup: 0, minSteps: 1, minSeconds: 0 } : { warmup: 1, minSteps: 5, minSeconds: 2 };
  const cases: [string, () => unknown][] = [
    ['CIDEr-D (tokenized input)', () => ciderOnly(tokenizedRefs, tokenizedCands)],
    ['PTB tokenization (30,000 captions)', () => ptbTokenize([...flatRefs, ...cands.values()])],
    ['all metrics incl. tokenization', () => scoreCaptions(refs, cands)],
  ];
  const rows: string[][] = [];
  for (const [label, step] of cases) {
    const t = await timeSteps(step, plan);
    rows.push([label, t.medianMs.toFixed(0), t.minMs.toFixed(0)]);
  }
  ctx.log(formatTable([`${IMAGES} images x ${REFERENCES} references`, 'median ms', 'min ms'], rows));
  ctx.log(`CIDEr-D = ${ciderOnly(tokenizedRefs, tokenizedCands).toFixed(6)}; target for CIDEr-D: well under 1000 ms`);
}

export const benchmark: Benchmark = {
  name: 'cider',
  description: 'caption metrics at COCO scale: CIDEr-D, PTB tokenization, all metrics (5,000 images x 5 references)',
  run,
};
