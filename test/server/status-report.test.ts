import test from 'ava';
import { statusReport } from '../../src/server/status-report.js';
import type { PolicyRevision } from '../../src/engine/revision.js';

const revision = { id: 'rev-7', source: '/srv/bundle.tar.gz', loadedAt: new Date('2026-12-03T10:00:00Z') } as unknown as PolicyRevision;

test('OPA-shaped: labels, the one bundle with its revision and activation, plugin states', (t) => {
  const report = statusReport({ labels: { id: 'pod-a', region: 'eu' }, revision: () => revision });
  t.like(report, {
    labels: { id: 'pod-a', region: 'eu', app: 'warden' },
    bundles: { warden: { name: 'warden', active_revision: 'rev-7', last_successful_activation: '2026-12-03T10:00:00.000Z', source: '/srv/bundle.tar.gz' } },
    plugins: { bundle: { state: 'OK' } },
  });
  t.false('shared_state' in (report.plugins as object));
});

test('with a bundle service, Redis and a log service: the download time, the URL, and Redis down is ERR', (t) => {
  const report = statusReport({
    labels: { id: 'pod-b' },
    revision: () => revision,
    bundleService: { url: 'https://bundles/b.tar.gz', lastSuccessAt: () => new Date('2026-12-03T10:05:00Z') },
    sharedStateUp: () => false,
    decisionLogDrops: () => 0,
  });
  t.like(report, {
    bundles: { warden: { source: 'https://bundles/b.tar.gz', last_successful_download: '2026-12-03T10:05:00.000Z' } },
    plugins: { bundle: { state: 'OK' }, shared_state: { state: 'ERR' }, decision_logs: { state: 'OK' } },
  });
});

test('no revision yet: the bundle plugin is NOT_READY and the revision empty', (t) => {
  t.like(statusReport({ labels: { id: 'x' }, revision: () => undefined }), { bundles: { warden: { active_revision: '' } }, plugins: { bundle: { state: 'NOT_READY' } } });
});
