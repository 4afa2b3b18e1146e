import test from 'ava';
import { ageText } from '../../src/credentials/age-text.js';
import { apiKeyRefusal, certificateRefusal, parseCredentialRules, tokenRefusal } from '../../src/credentials/credential-rules.js';
import { CredentialError } from '../../src/credentials/errors.js';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 11, 3, 12);

test('ages read as their largest unit, with smaller ones while the text would not show the limit is passed', (t) => {
  t.is(ageText(3 * D + 5 * H, D), '3d');
  t.is(ageText(24.5 * H, 24 * H), '1d0h30m');
  t.is(ageText(90 * 60_000), '1h');
  t.is(ageText(45_000), '45s');
  t.is(ageText(300), '0s');
});

test('credentials: parsed with defaults; unknown keys and bad durations are refused naming the key', (t) => {
  t.deepEqual(parseCredentialRules(undefined), { maxApiKeyAge: { ms: 90 * D, text: '90d' } });
  const rules = parseCredentialRules({ maxCertificateAge: '24h', maxCertificateLifetime: '30d', maxTokenAge: '1h', expiryWarning: '1h', maxApiKeyAge: '30d' });
  t.deepEqual(rules.maxCertificateAge, { ms: 24 * H, text: '24h' });
  t.is(rules.maxApiKeyAge.ms, 30 * D);
  const bad = t.throws(() => parseCredentialRules({ maxTokenAge: 'soon' }), { instanceOf: CredentialError });
  t.regex(bad.message, /credentials\.maxTokenAge must be a positive duration .* not "soon"/);
  t.regex(t.throws(() => parseCredentialRules({ maxCertAge: '1h' }))!.message, /unknown keys maxCertAge/);
  t.regex(t.throws(() => parseCredentialRules(['1h']))!.message, /credentials must be an object/);
});

test('a certificate issued too long ago, or valid for too long, is refused with the shape the issue gives', (t) => {
  const rules = parseCredentialRules({ maxCertificateAge: '24h', maxCertificateLifetime: '30d' });
  t.is(certificateRefusal(rules, NOW - 3 * D, NOW + D, NOW), 'credential not rotated: certificate issued 3d ago, at most 24h allowed');
  t.is(certificateRefusal(rules, NOW - 10 * H, NOW + 90 * D, NOW), 'credential not rotated: certificate valid for 90d, at most 30d allowed');
  t.is(certificateRefusal(rules, NOW - 23 * H, NOW + D, NOW), undefined);
  t.is(certificateRefusal(parseCredentialRules({}), NOW - 300 * D, NOW + 300 * D, NOW), undefined, 'no rule, no refusal');
});

test('a token is refused when older than maxTokenAge or without iat; API keys by their creation', (t) => {
  const rules = parseCredentialRules({ maxTokenAge: '1h' });
  t.is(tokenRefusal(rules, (NOW - 2 * H) / 1000, NOW), 'credential not rotated: token issued 2h ago, at most 1h allowed');
  t.is(tokenRefusal(rules, undefined, NOW), 'credential not rotated: token has no issue time (iat), at most 1h old allowed');
  t.is(tokenRefusal(rules, (NOW - 30 * 60_000) / 1000, NOW), undefined);
  t.is(tokenRefusal(parseCredentialRules({}), undefined, NOW), undefined, 'without maxTokenAge, iat is not required');
  t.is(apiKeyRefusal(rules, NOW - 91 * D, NOW), 'credential not rotated: api key issued 91d ago, at most 90d allowed');
  t.is(apiKeyRefusal(rules, NOW - 89 * D, NOW), undefined);
});
