import { useEffect } from 'preact/hooks';
import { CountsTable } from '../counts-table.js';
import { useJson } from '../use-json.js';

interface ProtectionView {
  bansActive: Record<string, number>;
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
