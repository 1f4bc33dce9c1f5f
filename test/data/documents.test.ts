import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCUMENT_KINDS, DOCUMENT_PROMPTS, clipAttributes, describeClip, describeImage, glimpseDocument, imageAttributes, sceneDocument } from '../../src/data/synth/documents.ts';
import { clipQuestions, imageQuestions } from '../../src/data/synth/questions.ts';
import { sampleClipScene, sampleImageScene } from '../../src/data/synth/scene.ts';
import { COUNT_WORDS } from '../../src/data/synth/world.ts';
import { DEFAULT_SHOT, qaPromptText } from '../../src/eval/prompts.ts';
import { DEFAULT_PROMPTS } from '../../src/eval/tasks.ts';
import { VISUAL_MARKER } from '../../src/data/text-batches.ts';
import { Rng } from '../../src/util/rng.ts';

test('documents write the prompts exactly as the evaluate stage fills them, with text where the visual tokens go', () => {
  const context = 'a small red circle in the center on a gray background';
  assert.equal(DOCUMENT_PROMPTS.caption(context, 'a red circle'), `${DEFAULT_PROMPTS.caption.replace(VISUAL_MARKER, context)} a red circle`);
  const shot = { question: 'is there a blue star?', answer: 'no' };
  const question = 'what color is the circle?';
  const evalText = qaPromptText(DEFAULT_PROMPTS.vqa, question, [shot], DEFAULT_SHOT).replace(VISUAL_MARKER, context);
  assert.equal(`${DOCUMENT_PROMPTS.shot(shot.question, shot.answer)} ${DOCUMENT_PROMPTS.qa(context, question, 'red', false)}`, `${evalText} red`);
  assert.equal(DOCUMENT_PROMPTS.qa(context, question, 'red', true), `${DEFAULT_PROMPTS['video-qa'].replace(VISUAL_MARKER, context).replace('{question}', 'what color is the circle')} red`);
});

test('a description names every attribute a question about the scene can ask, so every answer is in it', () => {
  const rng = new Rng(7);
  for (let i = 0; i < 300; i++) {
    const scene = sampleImageScene(rng);
    const text = describeImage(scene);
    for (const o of scene.objects) {
      for (const word of [o.colour.name, o.size.name, o.place.phrase]) assert.ok(text.includes(word), `"${word}" in "${text}"`);
      assert.ok(text.includes(scene.objects.length > 1 && scene.layout === 'group' ? o.shape.plural : o.shape.name), text);
    }
    if (scene.layout === 'group') assert.ok(text.startsWith(COUNT_WORDS[scene.objects.length]), text);
    for (const q of imageQuestions(scene, rng)) {
      if (q.answerType === 'other' && q.questionType !== 'where is the') assert.ok(text.includes(q.answer), `${q.question} -> ${q.answer} in "${text}"`);
      if (q.questionType === 'where is the') assert.ok(scene.objects.some((o) => o.place.answer === q.answer && text.includes(o.place.phrase)), `${q.question} -> ${q.answer}`);
    }
  }
  for (let i = 0; i < 100; i++) {
    const clip = sampleClipScene(rng);
    const text = describeClip(clip);
    assert.ok(text.includes(`moves ${clip.direction.moves} from the ${clip.direction.from} to the ${clip.direction.to}`), text);
    assert.ok(text.includes(`${clip.mover.colour.name} ${clip.mover.shape.name}`), text);
    assert.equal(text.includes(' past '), clip.still !== undefined, text);
    for (const q of clipQuestions(clip, rng)) if (q.answerType === 'other' && q.questionType !== 'which direction') assert.ok(text.includes(q.answer), `${q.question} -> ${q.answer}`);
  }
});

test('documents are a function of the seed, every kind occurs, and each kind reads as documented', () => {
  const draw = (seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: 400 }, () => sceneDocument(rng));
  };
  assert.deepEqual(draw(3), draw(3));
  assert.notDeepEqual(draw(3), draw(4));
  const docs = draw(3);
  const counts = Object.fromEntries(DOCUMENT_KINDS.map((k) => [k, docs.filter((d) => d.kind === k).length]));
  for (const kind of DOCUMENT_KINDS) assert.ok(counts[kind] > 10, `${kind}: ${counts[kind]}`);
  for (const d of docs) {
    if (d.kind === 'captions') assert.equal(d.text.split(' . ').length, 3, d.text);
    if (d.kind === 'describe') assert.match(d.text, /^Describe the following: .+ : .+$/);
    if (d.kind === 'qa') assert.match(d.text, /Answer the question given the images\. Given .+\. Question : .+ \? Answer(:| in exactly one word:) \S/);
    if (d.kind === 'recap') assert.match(d.text, / on a (black|gray) background \. /);
  }
});

test('a scene\'s attribute words hold the answer of every question about its objects, and a glimpse is a shuffled part of them', () => {
  const rng = new Rng(11);
  for (let i = 0; i < 300; i++) {
    const scene = sampleImageScene(rng);
    const words = imageAttributes(scene);
    for (const q of imageQuestions(scene, rng)) if (q.answerType === 'other') assert.ok(words.includes(q.answer), `${q.question} -> ${q.answer} in [${words}]`);
    if (scene.layout === 'group') assert.equal(words.filter((w) => COUNT_WORDS.includes(w)).length, 1, `${words}`);
  }
  for (let i = 0; i < 100; i++) {
    const clip = sampleClipScene(rng);
    const words = clipAttributes(clip);
    for (const q of clipQuestions(clip, rng)) if (q.answerType === 'other') assert.ok(words.includes(q.answer), `${q.question} -> ${q.answer} in [${words}]`);
  }
  const vocabulary = new Set(Array.from({ length: 2000 }, () => [...imageAttributes(sampleImageScene(rng)), ...clipAttributes(sampleClipScene(rng))]).flat().flatMap((w) => w.split(' ')));
  const lengths: number[] = [];
  for (let i = 0; i < 400; i++) {
    const { kind, text } = glimpseDocument(rng);
    const context = kind === 'describe' ? text.match(/^Describe the following: (.+?) : /)?.[1] : text.match(/Given (.+?)\. Question : /)?.[1];
    assert.ok(context, text);
    const contextWords = context.split(' ');
    for (const w of contextWords) assert.ok(vocabulary.has(w), `"${w}" of "${text}" is an attribute word`);
    lengths.push(contextWords.length);
  }
  assert.ok(Math.min(...lengths) === 1 && Math.max(...lengths) >= 8, `glimpse lengths ${Math.min(...lengths)}..${Math.max(...lengths)}`);
  const a = new Rng(5), b = new Rng(5);
  assert.deepEqual(Array.from({ length: 50 }, () => glimpseDocument(a)), Array.from({ length: 50 }, () => glimpseDocument(b)));
});
