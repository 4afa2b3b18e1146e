import { useEffect, useState } from 'preact/hooks';
import { callerOf, getJson, pathOf, serviceOf, type DecisionRecord } from '../api.js';
import { go } from '../route.js';

const MAX_ROWS = 500;

interface Filters {
  subject: string;
  service: string;
  result: string;
  reason: string;
}

function streamUrl(filters: Filters): string {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
  return `/api/decisions/stream?${query.toString()}`;
}

/** Decisions as they are made, filtered on the server; a row opens its redacted record. */
export function LivePage() {
  const [filters, setFilters] = useState<Filters>({ subject: '', service: '', result: '', reason: '' });
  const [rows, setRows] = useState<DecisionRecord[]>([]);
  const [connected, setConnected] = useState(false);
  const [picked, setPicked] = useState<DecisionRecord | undefined>();
  const [pickError, setPickError] = useState<string | undefined>();

  useEffect(() => {
    setRows([]);
    // Typing in a filter opens one stream once it settles, not one per key.
    let source: EventSource | undefined;
    const timer = setTimeout(() => {
      source = new EventSource(streamUrl(filters));
      source.onopen = () => setConnected(true);
      source.onerror = () => setConnected(false);
      source.addEventListener('decision', (event) => {
        const record = JSON.parse((event as MessageEvent<string>).data) as DecisionRecord;
        setRows((old) => [record, ...old.filter((r) => r.decision_id !== record.decision_id)].slice(0, MAX_ROWS));
      });
    }, 250);
    return () => {
      clearTimeout(timer);
      source?.close();
    };
  }, [filters]);

  const open = (id: string) => {
    setPickError(undefined);
    getJson<DecisionRecord>(`/api/decisions/${encodeURIComponent(id)}`).then(setPicked, (e: Error) => setPickError(e.message));
  };
  const field = (key: keyof Filters, label: string) => (
    <label>
      {label}
      <input name={key} value={filters[key]} onInput={(e) => setFilters({ ...filters, [key]: (e.target as HTMLInputElement).value })} />
    </label>
  );

  return (
    <section class="live">
      <h1>Live decisions</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        {field('subject', 'Subject')}
        {field('service', 'Service')}
        <label>
          Result
          <select name="result" value={filters.result} onChange={(e) => setFilters({ ...filters, result: (e.target as HTMLSelectElement).value })}>
            <option value="">any</option>
            <option value="allowed">allowed</option>
            <option value="denied">denied</option>
          </select>
        </label>
        {field('reason', 'Reason')}
        <span class={connected ? 'status ok' : 'status'}>{connected ? 'streaming' : 'connecting…'}</span>
      </form>
      <div class="split">
        <table class="decisions">
          <thead>
            <tr>
              <th>Time</th>
              <th>Result</th>
              <th>Caller</th>
              <th>Action</th>
              <th>Service</th>
              <th>Path</th>
              <th>Reasons</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.decision_id} data-decision-id={r.decision_id} class={picked?.decision_id === r.decision_id ? 'picked' : ''} onClick={() => open(r.decision_id)}>
                <td>{r.time.slice(11, 23)}</td>
                <td>
                  <span class={r.allowed ? 'badge allow' : 'badge deny'}>{r.allowed ? 'allowed' : 'denied'}</span>
                </td>
                <td>{callerOf(r)}</td>
                <td>{typeof r.action === 'string' ? r.action : JSON.stringify(r.action ?? '')}</td>
                <td>{serviceOf(r)}</td>
                <td>{pathOf(r)}</td>
                <td>{r.reasons.join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <aside class="record">
          {pickError && <p class="error">{pickError}</p>}
          {picked ? (
            <>
              <h2>Decision {picked.decision_id}</h2>
              <button type="button" onClick={() => go('playground', { decision: picked.decision_id })}>
                Evaluate in the playground
              </button>
              <pre class="record-json">{JSON.stringify(picked, null, 2)}</pre>
            </>
          ) : (
            <p class="hint">Click a decision to see its record (redacted as the decision log writes it).</p>
          )}
        </aside>
      </div>
    </section>
  );
}
