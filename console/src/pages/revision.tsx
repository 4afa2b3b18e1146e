import { useJson } from '../use-json.js';

interface RevisionView {
  id: string;
  source: string;
  loadedAt: string;
  entrypoints: string[];
  modules: string[];
  origin: string;
  signature: string;
  keyId?: string;
}

interface ShadowDisagreement {
  at: string;
  decisionId: string;
  kind: string;
  subject: string;
  service: string;
  action: string;
}

type ShadowView = { enabled: false } | { enabled: true; revision: string; sample: number; evaluations: number; dropped: number; disagreements: Record<string, number>; recent: ShadowDisagreement[] };

const SIGNATURE: Record<string, string> = {
  verified: 'verified: only bundles signed with the configured key are served',
  not_verified: 'not verified: a bundle served without a verification key',
  unsigned: 'unsigned: a policy directory',
};

/** What is loaded, from where, when, its signature status, and the shadow candidate's disagreements. */
export function RevisionPage() {
  const revision = useJson<RevisionView>('/api/revision');
  const shadow = useJson<ShadowView>('/api/shadow');
  const r = revision.data;
  const s = shadow.data;
  return (
    <section class="revision">
      <h1>Revision</h1>
      {revision.error && <p class="error">{revision.error}</p>}
      {r && (
        <dl>
          <dt>Revision</dt>
          <dd>{r.id}</dd>
          <dt>Source</dt>
          <dd>
            {r.source} ({r.origin.replace('_', ' ')})
          </dd>
          <dt>Loaded</dt>
          <dd>{r.loadedAt}</dd>
          <dt>Signature</dt>
          <dd>
            {SIGNATURE[r.signature] ?? r.signature}
            {r.keyId ? ` (key ${r.keyId})` : ''}
          </dd>
          <dt>Entrypoints</dt>
          <dd>{r.entrypoints.join(', ')}</dd>
          <dt>Modules</dt>
          <dd>{r.modules.join(', ') || '(none: a compiled bundle)'}</dd>
        </dl>
      )}
      <h2>Shadow evaluation</h2>
      {s && !s.enabled && <p class="hint">Off (warden serve --shadow DIR|FILE evaluates a candidate beside the live revision).</p>}
      {s && s.enabled && (
        <>
          <p>
            Candidate {s.revision}, sample {s.sample}: {s.evaluations} evaluated, {s.dropped} dropped.
          </p>
          <table class="counts">
            <tbody>
              {Object.entries(s.disagreements).map(([kind, n]) => (
                <tr key={kind}>
                  <td>{kind}</td>
                  <td>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table class="hits">
            <tbody>
              {s.recent.map((d) => (
                <tr key={`${d.decisionId}${d.kind}`}>
                  <td>{d.at}</td>
                  <td>{d.kind}</td>
                  <td>{d.subject}</td>
                  <td>{d.action}</td>
                  <td>{d.service}</td>
                  <td>{d.decisionId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
