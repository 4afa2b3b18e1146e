import test from 'ava';
import { createRedactor, recordJsonWith, recordTail } from '../../src/audit/index.js';
import { createLineRedactor } from '../../src/audit/line-redactor.js';

const input = {
  action: 'orders.read',
  context: { password: 'hunter2', note: 'bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ5In0.c2ln', email: 'a@b.c' },
  requester: { authenticated_by: 'mtls', id: 'spiffe://a/ns/x/sa/y' },
  resource: { attributes: { api_key: 'k' }, path: '/p', service: 's' },
  source: { ip: '10.0.0.1' },
  subject: { authenticated_by: 'requester', id: 'spiffe://a/ns/x/sa/z' },
};
const constants = { allowed: true, reasons: ['ok'], revision: 'r1', cached: true };
const call = (n: number) => ({ decision_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, time: '2026-11-23T08:00:00.000Z', api: 'authorizer' as const, latency: n / 7 });
const whole = (paths: string[]) => {
  const redact = createRedactor({ paths });
  return (text: string) => `{"log":"decision",${JSON.stringify(redact(JSON.parse(text))).slice(1)}`;
};

for (const paths of [[], ['context.email'], ['time'], ['*.path']]) {
  test(`lines are what redacting the whole record gives (paths: ${JSON.stringify(paths)})`, (t) => {
    const line = createLineRedactor(paths);
    const reference = whole(paths);
    const tail = recordTail(constants, JSON.stringify(input));
    for (let n = 0; n < 3; n++) {
      const text = recordJsonWith(call(n), tail);
      t.is(line(text), reference(text));
    }
    const fresh = recordJsonWith(call(9), recordTail({ ...constants, cached: false }, JSON.stringify(input)));
    t.is(line(fresh), reference(fresh));
    const envoy = JSON.stringify({ ...call(4), api: 'envoy', ...input, http: { headers: { authorization: 'Bearer x' } }, ...constants });
    t.is(line(envoy), reference(envoy));
    t.false(line(fresh).includes('hunter2'));
    t.false(line(fresh).includes('eyJhbGciOiJSUzI1NiJ9'));
  });
}

test('text of another shape is redacted whole', (t) => {
  const line = createLineRedactor();
  t.is(line('{"password":"x","latency":1}'), '{"log":"decision","password":"[REDACTED]","latency":1}');
});

test('the memo of cached records is bounded by bytes: large distinct requests sent twice stay within it, lines unchanged', (t) => {
  const bytes = 2 * 1024 * 1024;
  const line = createLineRedactor([], { bytes });
  const reference = whole([]);
  // 40 distinct requests of ~290 KiB each (the shape, fewer of them): ~23 MB to remember unbounded.
  const big = (n: number) => recordTail(constants, JSON.stringify({ ...input, context: { ...input.context, blob: `${n}:${'x'.repeat(290 * 1024)}` } }));
  for (let round = 0; round < 2; round++) {
    for (let n = 0; n < 40; n++) {
      const text = recordJsonWith(call(n), big(n));
      const out = line(text);
      if (n % 13 === 0) t.is(out, reference(text));
      t.true(line.memo.bytes <= bytes, `memo at ${line.memo.bytes} bytes after request ${n}`);
    }
  }
  t.true(line.memo.entries > 0, 'the memo still remembers what fits');
  const small = recordJsonWith(call(1), recordTail(constants, JSON.stringify(input)));
  line(small);
  t.true(line.memo.entries > 0);
  t.is(createLineRedactor().memo.bytes, 0);
});
