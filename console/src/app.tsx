import { useEffect, useState } from 'preact/hooks';
import { ApiError, loadSession, postJson, type SessionInfo } from './api.js';
import { useRoute } from './route.js';
import { LivePage } from './pages/live.js';
import { GraphPage } from './pages/graph.js';
import { PlaygroundPage } from './pages/playground.js';
import { ProtectionPage } from './pages/protection.js';
import { RevisionPage } from './pages/revision.js';
import { AdvisorPage } from './pages/advisor.js';

const PAGES: Array<[string, string]> = [
  ['live', 'Live decisions'],
  ['graph', 'Service graph'],
  ['playground', 'Playground'],
  ['protection', 'Protection'],
  ['revision', 'Revision'],
  ['advisor', 'Advisor'],
];

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionInfo | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    loadSession().then(setSession, (e: Error) => setProblem(e instanceof ApiError && e.status === 401 ? 'Not logged in: open the one-time login link printed at start, or use an admin client certificate.' : e.message));
  }, []);
  const logout = async () => {
    await postJson('/logout', {}).catch(() => undefined);
    setSession(undefined);
    setProblem('Logged out.');
  };
  if (!session) return <main class="notice">{problem ?? 'Loading…'}</main>;
  return (
    <>
      <header>
        <strong>Warden</strong>
        <nav>
          {PAGES.map(([page, title]) => (
            <a href={`#/${page}`} class={route.page === page ? 'active' : ''} key={page}>
              {title}
            </a>
          ))}
        </nav>
        <span class="who">{session.admin}</span>
        <button type="button" onClick={logout}>
          Log out
        </button>
      </header>
      <main>
        {route.page === 'live' && <LivePage />}
        {route.page === 'graph' && <GraphPage />}
        {route.page === 'playground' && <PlaygroundPage decisionId={route.params.get('decision') ?? ''} />}
        {route.page === 'protection' && <ProtectionPage />}
        {route.page === 'revision' && <RevisionPage />}
        {route.page === 'advisor' && <AdvisorPage />}
      </main>
    </>
  );
}
