import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson } from '../api.js';
import { CodeEditor } from '../code-editor.js';

interface PolicyModule {
  path: string;
  source: string;
}

interface CompileProblem {
  code: string;
  message: string;
  file: string;
  line: number;
  col: number;
}

type Answer<T> = { ok: true; value: T; input?: unknown } | { ok: false; errors: CompileProblem[] };

interface TestResult {
  name: string;
  outcome: string;
  reason?: string;
}

/** Edit the live revision's Rego, evaluate it against an input or a recorded decision, run its tests. */
export function PlaygroundPage({ decisionId: pickedDecision }: { decisionId: string }) {
  const [revision, setRevision] = useState('');
  const [modules, setModules] = useState<PolicyModule[]>([]);
  const [current, setCurrent] = useState(0);
  const [input, setInput] = useState('{\n  "subject": {"id": "spiffe://warden.local/ns/shop/sa/frontend"},\n  "action": "orders.read",\n  "resource": {"service": "orders"}\n}');
  const [decisionId, setDecisionId] = useState(pickedDecision);
  const [problems, setProblems] = useState<CompileProblem[]>([]);
  const [output, setOutput] = useState<string>('');
  const [tests, setTests] = useState<TestResult[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [reveal, setReveal] = useState<{ line: number } | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    getJson<{ revision: string; modules: PolicyModule[] }>('/api/playground/sources').then(
      (s) => {
        setRevision(s.revision);
        setModules(s.modules);
        const firstPolicy = s.modules.findIndex((m) => !m.path.endsWith('_test.rego'));
        setCurrent(Math.max(0, firstPolicy));
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  useEffect(() => setDecisionId(pickedDecision), [pickedDecision]);

  const edit = (source: string) => setModules(modules.map((m, i) => (i === current ? { ...m, source } : m)));
  const run = async <T,>(path: string, body: Record<string, unknown>, show: (value: T, answer: Answer<T>) => void) => {
    setBusy(true);
    setError(undefined);
    setOutput('');
    setTests(undefined);
    try {
      const answer = await postJson<Answer<T>>(path, { modules, ...body });
      if (answer.ok) {
        setProblems([]);
        show(answer.value, answer);
      } else {
        setProblems(answer.errors);
        const first = answer.errors[0];
        if (first) showProblem(first);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  function showProblem(problem: CompileProblem) {
    const index = modules.findIndex((m) => m.path === problem.file);
    if (index >= 0) setCurrent(index);
    setReveal({ line: problem.line });
  }
  const evaluate = () => {
    let parsed: unknown;
    if (decisionId === '') {
      try {
        parsed = JSON.parse(input);
      } catch (e) {
        setError(`the input is not JSON: ${(e as Error).message}`);
        return;
      }
    }
    void run<unknown>('/api/playground/evaluate', decisionId !== '' ? { decisionId } : { input: parsed }, (value, answer) => {
      setOutput(JSON.stringify(value, null, 2) ?? 'undefined');
      if (decisionId !== '' && 'input' in answer) setInput(JSON.stringify(answer.input, null, 2));
    });
  };
  const runTests = () => void run<TestResult[]>('/api/playground/test', {}, (value) => setTests(value));
  const module = modules[current];
  const marks = problems.filter((p) => p.file === module?.path).map((p) => ({ line: p.line, message: `${p.code}: ${p.message}` }));

  return (
    <section class="playground">
      <h1>Policy playground</h1>
      <p>Revision {revision}: edits stay in this page; the serving revision does not change.</p>
      {error && <p class="error">{error}</p>}
      <div class="files">
        {modules.map((m, i) => (
          <button type="button" class={i === current ? 'file active' : 'file'} onClick={() => setCurrent(i)} key={m.path}>
            {m.path}
            {problems.some((p) => p.file === m.path) ? ' ⚠' : ''}
          </button>
        ))}
      </div>
      <div class="split">
        <div>{module && <CodeEditor label={`Source of ${module.path}`} value={module.source} onChange={edit} marks={marks} reveal={reveal} />}</div>
        <div class="side">
          <label>
            Decision id (re-evaluate a recorded decision)
            <input name="decision" value={decisionId} onInput={(e) => setDecisionId((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Input (JSON), used without a decision id
            <textarea name="input" rows={10} value={input} onInput={(e) => setInput((e.target as HTMLTextAreaElement).value)} />
          </label>
          <div class="buttons">
            <button type="button" disabled={busy} onClick={evaluate}>
              Evaluate
            </button>
            <button type="button" disabled={busy} onClick={runTests}>
              Run tests
            </button>
          </div>
          {problems.length > 0 && (
            <ul class="problems">
              {problems.map((p) => (
                <li key={`${p.file}:${p.line}:${p.col}:${p.message}`} data-line={p.line} data-file={p.file}>
                  <button type="button" class="link" onClick={() => showProblem(p)}>
                    {p.file}:{p.line}:{p.col}
                  </button>{' '}
                  {p.code}: {p.message}
                </li>
              ))}
            </ul>
          )}
          {output && <pre class="result">{output}</pre>}
          {tests && (
            <table class="tests">
              <tbody>
                {tests.map((r) => (
                  <tr key={r.name} class={r.outcome}>
                    <td>{r.outcome}</td>
                    <td>{r.name}</td>
                    <td>{r.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
