import { useEffect } from 'preact/hooks';
import { CountsTable } from '../counts-table.js';
import { RowsTable } from '../rows-table.js';
import { useJson } from '../use-json.js';

interface ProtectionView {
  bansActive: Record<string, number>;
  bans: Array<{ by: string; key: string; until: string }>;
  alerts: Array<{ time: string; kind: string; summary: string; about: Record<string, string>; endsAt: string }>;
  alertsRaised: Record<string, number>;
  rateLimited: Record<string, number>;
  recentHits: Array<{ decisionId: string; time: string; kind: string; caller: string; service: string; reason: string }>;
}

/** Bans in force, alerts raised, rate-limit hits, and the latest checks a countermeasure refused. */
export function ProtectionPage() {
  const { data, error, reload } = useJson<ProtectionView>('/api/protection');
  useEffect(() => {
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <section class="protection">
      <h1>Protection</h1>
      {error && <p class="error">{error}</p>}
      {data && (
        <>
          <div class="columns">
            <div>
              <CountsTable title="Bans in force" counts={data.bansActive} />
            </div>
            <div>
              <CountsTable title="Alerts raised (since start)" counts={data.alertsRaised} />
            </div>
            <div>
              <CountsTable title="Rate-limit hits (since start)" counts={data.rateLimited} />
            </div>
          </div>
          <h2>Bans in force on this replica</h2>
          <RowsTable name="bans" headers={['By', 'Banned', 'Until']} rows={data.bans.map((b) => ({ key: `${b.by}:${b.key}`, cells: [b.by, b.key, b.until] }))} />
          <h2>Recent alerts</h2>
          <RowsTable
            name="alerts"
            headers={['Raised', 'Kind', 'About', 'Summary', 'Ends']}
            rows={data.alerts.map((a, i) => ({ key: `${i}:${a.time}:${a.kind}`, cells: [a.time, a.kind, Object.entries(a.about).map(([k, v]) => `${k}=${v}`).join(' '), a.summary, a.endsAt] }))}
          />
          <h2>Recent countermeasure denials</h2>
          <RowsTable name="hits" headers={['Time', 'Kind', 'Caller', 'Service', 'Reason']} rows={data.recentHits.map((h) => ({ key: h.decisionId, cells: [h.time, h.kind, h.caller, h.service, h.reason] }))} />
        </>
      )}
    </section>
  );
}
