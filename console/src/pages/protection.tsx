import { useEffect } from 'preact/hooks';
import { CountsTable } from '../counts-table.js';
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
          <table class="bans">
            <thead>
              <tr>
                <th>By</th>
                <th>Banned</th>
                <th>Until</th>
              </tr>
            </thead>
            <tbody>
              {data.bans.map((b) => (
                <tr key={`${b.by}:${b.key}`}>
                  <td>{b.by}</td>
                  <td>{b.key}</td>
                  <td>{b.until}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Recent alerts</h2>
          <table class="alerts">
            <thead>
              <tr>
                <th>Raised</th>
                <th>Kind</th>
                <th>About</th>
                <th>Summary</th>
                <th>Ends</th>
              </tr>
            </thead>
            <tbody>
              {data.alerts.map((a) => (
                <tr key={`${a.time}:${a.kind}:${a.summary}`}>
                  <td>{a.time}</td>
                  <td>{a.kind}</td>
                  <td>{Object.entries(a.about).map(([k, v]) => `${k}=${v}`).join(' ')}</td>
                  <td>{a.summary}</td>
                  <td>{a.endsAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Recent countermeasure denials</h2>
          <table class="hits">
            <thead>
              <tr>
                <th>Time</th>
                <th>Kind</th>
                <th>Caller</th>
                <th>Service</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {data.recentHits.map((h) => (
                <tr key={h.decisionId}>
                  <td>{h.time}</td>
                  <td>{h.kind}</td>
                  <td>{h.caller}</td>
                  <td>{h.service}</td>
                  <td>{h.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
