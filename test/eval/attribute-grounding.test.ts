import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTRIBUTE_WORDS } from '../../src/data/synth/world.ts';
import { attributeGrounding } from '../../src/eval/attribute-grounding.ts';

const REFS = {
  diamond: ['at the bottom there is a large purple diamond', 'a large purple diamond at the bottom', 'a purple diamond on a gray background'],
  pair: ['there is a blue star to the right of a red circle', 'a red circle and a blue star'],
  group: ['three small circles that are green', 'there are three small green circles'],
};

test('attributeGrounding: each attribute scored separately, plurals and case folded, every named value must be shown', () => {
  const metrics = attributeGrounding(
    [
      { prediction: 'A large PURPLE diamond.', references: REFS.diamond }, // all right
      { prediction: 'a blue star to the right of a red square', references: REFS.pair }, // one shape wrong: shape wrong, colours right
      { prediction: 'three small squares that are green', references: REFS.group }, // shape wrong
      { prediction: 'there are three Circles, all of them green', references: REFS.group }, // plural, no size named
    ],
    ATTRIBUTE_WORDS,
  );
  assert.deepEqual(metrics, { 'attr/shape': 2 / 4, 'attr/colour': 4 / 4, 'attr/size': 2 / 4 });
});

test('attributeGrounding: a caption that names no value of an attribute is not right on it; a constant caption scores the share of images it fits', () => {
  const constant = 'a large purple diamond';
  const records = [REFS.diamond, REFS.pair, REFS.group].map((references) => ({ prediction: constant, references }));
  assert.deepEqual(attributeGrounding(records, ATTRIBUTE_WORDS), { 'attr/shape': 1 / 3, 'attr/colour': 1 / 3, 'attr/size': 1 / 3 });
  assert.deepEqual(attributeGrounding([{ prediction: 'a picture', references: REFS.diamond }], ATTRIBUTE_WORDS), { 'attr/shape': 0, 'attr/colour': 0, 'attr/size': 0 });
  assert.deepEqual(attributeGrounding([], ATTRIBUTE_WORDS), {});
});

test('attributeGrounding: words are whole words of the lexicon only (no substrings, no inherited keys)', () => {
  const lexicon = { shape: { star: 'star', stars: 'star' } };
  assert.deepEqual(attributeGrounding([{ prediction: 'a starry constructor', references: ['a star'] }], lexicon), { 'attr/shape': 0 });
  assert.deepEqual(attributeGrounding([{ prediction: 'stars', references: ['a star'] }], lexicon), { 'attr/shape': 1 });
});
