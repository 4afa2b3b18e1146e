import test from 'ava';
import { SessionStore } from '../../src/console/sessions.js';

function store(limits = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 }) {
  const clock = { now: 1_000_000 };
  return { clock, sessions: new SessionStore(limits, () => clock.now) };
}

test('a login token works once, and not after 10 minutes', (t) => {
  const { clock, sessions } = store();
  const once = sessions.issueLoginToken();
  t.true(sessions.redeemLoginToken(once));
  t.false(sessions.redeemLoginToken(once));
  const late = sessions.issueLoginToken();
  clock.now += 10 * 60_000;
  t.false(sessions.redeemLoginToken(late));
  t.false(sessions.redeemLoginToken('never-issued'));
});

test('tokens and session ids are distinct 256-bit secrets', (t) => {
  const { sessions } = store();
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const token = sessions.issueLoginToken();
    const session = sessions.open('a');
    for (const s of [token, session.id, session.csrfToken]) {
      t.is(Buffer.from(s, 'base64url').length, 32);
      seen.add(s);
    }
  }
  t.is(seen.size, 300);
});

test('a session ends after the idle time without use, and at the absolute limit despite use', (t) => {
  const { clock, sessions } = store({ idleMs: 1_000, maxMs: 5_000 });
  const idle = sessions.open('a');
  clock.now += 999;
  t.truthy(sessions.find(idle.id), 'used just in time');
  clock.now += 1_000;
  t.is(sessions.find(idle.id), undefined, 'idle too long');
  const busy = sessions.open('b');
  for (let i = 0; i < 4; i++) {
    clock.now += 900;
    t.truthy(sessions.find(busy.id));
  }
  clock.now += 1_400;
  t.is(sessions.find(busy.id), undefined, 'past the absolute limit');
});

test('closing a session ends it; the store holds a bounded number, least recently used out first', (t) => {
  const clock = { now: 0 };
  const sessions = new SessionStore({ idleMs: 1e9, maxMs: 1e9, maxSessions: 3 }, () => clock.now);
  const a = sessions.open('a');
  const b = sessions.open('b');
  const c = sessions.open('c');
  sessions.find(a.id);
  sessions.open('d');
  t.truthy(sessions.find(a.id));
  t.is(sessions.find(b.id), undefined);
  sessions.close(c.id);
  t.is(sessions.find(c.id), undefined);
});
