import { useJson } from '../use-json.js';

interface GrantUse {
  grant: unknown;
  decisions: number;
}

interface DeniedEdge {
  caller: string;
  service: string;
  denials: number;
  actions: Record<string, number>;
  probing?: unknown;
}

type AdviceView =
  | { available: false; reason: string }
  | { available: true; decisions: number; advice: { grantsFile: string; unusedGrants: GrantUse[]; deniedEdges: DeniedEdge[]; probingCallers: Array<{ caller: string; denials: number }>; minimalGrantsDiff: string } };

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `warden advise` over the decisions the console holds. */
export function AdvisorPage() {
  const { data, error, reload } = useJson<AdviceView>('/api/advice');
  return (
    <section class="advisor">
      <h1>Least-privilege advisor</h1>
      <button type="button" onClick={reload}>
        Recompute
      </button>
      {error && <p class="error">{error}</p>}
      {data && !data.available && <p class="hint">{data.reason}</p>}
      {data && data.available && (
        <>
          <p>
            Over the {data.decisions} most recent decisions, against {data.advice.grantsFile}.
          </p>
          <h2>Grants never used (candidates to remove)</h2>
          {data.advice.unusedGrants.length === 0 && <p class="hint">none</p>}
          <ul>
            {data.advice.unusedGrants.map((g, i) => (
              <li key={i}>{text(g.grant)}</li>
            ))}
          </ul>
          <h2>Denied edges that recur (candidates to grant)</h2>
          {data.advice.deniedEdges.length === 0 && <p class="hint">none</p>}
          <ul>
            {data.advice.deniedEdges.map((e, i) => (
              <li key={i}>
                {e.caller} → {e.service} ({Object.keys(e.actions).join(', ')}): {e.denials} denied
                {e.probing ? ' (looks like probing: investigate, do not grant)' : ''}
              </li>
            ))}
          </ul>
          <h2>Callers that look like probing</h2>
          {data.advice.probingCallers.length === 0 && <p class="hint">none</p>}
          <ul>
            {data.advice.probingCallers.map((p) => (
              <li key={p.caller}>
                {p.caller}: {p.denials} denials
              </li>
            ))}
          </ul>
          <h2>Minimal grants (diff of data.json)</h2>
          <pre>{data.advice.minimalGrantsDiff || '(no change)'}</pre>
        </>
      )}
    </section>
  );
}
