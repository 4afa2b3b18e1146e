import test from 'ava';
import { probingEvidence } from '../../src/advisor/index.js';

const minute = 60_000;
const denial = (m: number, target: string) => ({ timeMs: m * minute, target });

test('the window slides: distinct targets count only while within windowMs of each other', (t) => {
  const rule = { targets: 3, windowMs: 10 * minute };
  t.is(probingEvidence([denial(0, 'a'), denial(11, 'b'), denial(22, 'c')], rule), undefined);
  t.deepEqual(probingEvidence([denial(0, 'a'), denial(11, 'b'), denial(15, 'c'), denial(21, 'd')], rule), { targets: 3, from: new Date(11 * minute).toISOString(), to: new Date(21 * minute).toISOString() }, 'b at 11 and d at 21 are 10 min apart: within');
});

test('the busiest window is kept, and denials given out of order are sorted first', (t) => {
  const rule = { targets: 2, windowMs: 5 * minute };
  const evidence = probingEvidence([denial(4, 'c'), denial(0, 'a'), denial(2, 'b'), denial(30, 'x'), denial(31, 'y')], rule);
  t.deepEqual(evidence, { targets: 3, from: new Date(0).toISOString(), to: new Date(4 * minute).toISOString() });
});

test('repeats of one target never reach the threshold', (t) => {
  t.is(probingEvidence(Array.from({ length: 50 }, (_, i) => denial(i / 10, 'same')), { targets: 2, windowMs: minute }), undefined);
});
