// Text of datasets, for building tokenizers: every caption of a training set, every reference of a
// caption-eval set, every question and answer of a vqa-eval set, every document of a text set, in
// stored order. (The endless,
// shuffled text stream for language-model pretraining is CaptionStream.)
import { Dataset } from './dataset.ts';
import type { Row } from './schema.ts';

function rowTexts(row: Row): string[] {
  if (typeof row.caption === 'string') return [row.caption];
  if (typeof row.text === 'string') return [row.text];
  if (Array.isArray(row.captions)) return row.captions as string[];
  return [row.question as string, ...(row.answers as string[])];
}

export async function* datasetTexts(dir: string): AsyncGenerator<string> {
  const dataset = await Dataset.open(dir);
  try {
    for await (const row of dataset.rows()) yield* rowTexts(row);
  } finally {
    await dataset.close();
  }
}
