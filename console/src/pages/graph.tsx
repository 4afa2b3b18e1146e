import cytoscape from 'cytoscape';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useJson } from '../use-json.js';
import { RowsTable } from '../rows-table.js';

interface GraphEdge {
  caller: string;
  service: string;
  allowed: number;
  denied: number;
}

interface ServiceGraph {
  windowMs: number;
  decisions: number;
  edges: GraphEdge[];
}

const WINDOWS = ['1m', '5m', '15m', '1h', '24h'];

/** Green when all allowed, red when all denied, through amber. */
export function shareColour(deniedShare: number): string {
  const hue = Math.round(120 * (1 - deniedShare));
  return `hsl(${hue}, 70%, 40%)`;
}

// Cytoscape adds a <style> element unless one with this id exists; the CSP would block it, and
// styles.css carries its one rule instead.
function claimCytoscapeStylesheet(): void {
  if (document.getElementById('__________cytoscape_stylesheet')) return;
  const marker = document.createElement('meta');
  marker.id = '__________cytoscape_stylesheet';
  document.head.prepend(marker);
}

/** Callers → services over a window, laid out by cytoscape; labels are drawn as text on a canvas. */
export function GraphPage() {
  const [windowName, setWindowName] = useState('15m');
  const { data, error, reload } = useJson<ServiceGraph>(`/api/graph?window=${windowName}`);
  const container = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<GraphEdge | undefined>();

  useEffect(() => {
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [reload]);

  useEffect(() => {
    if (!data || !container.current) return;
    claimCytoscapeStylesheet();
    const nodes = new Map<string, { id: string; label: string; kind: string }>();
    const max = Math.max(1, ...data.edges.map((e) => e.allowed + e.denied));
    const elements: cytoscape.ElementDefinition[] = [];
    data.edges.forEach((edge, i) => {
      for (const [name, kind] of [
        [edge.caller, 'caller'],
        [edge.service, 'service'],
      ] as const) {
        const id = `${kind}:${name}`;
        if (!nodes.has(id)) nodes.set(id, { id, label: name, kind });
      }
      const count = edge.allowed + edge.denied;
      elements.push({
        data: { id: `e${i}`, source: `caller:${edge.caller}`, target: `service:${edge.service}`, colour: shareColour(edge.denied / count), width: 2 + (10 * count) / max, label: `${edge.allowed} ✓ / ${edge.denied} ✗`, index: i },
      });
    });
    elements.unshift(...[...nodes.values()].map((n) => ({ data: n })));
    const cy = cytoscape({
      container: container.current,
      elements,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap', 'text-max-width': '160px', 'background-color': '#4a6fa5', color: '#222' } },
        { selector: 'node[kind = "service"]', style: { shape: 'round-rectangle', 'background-color': '#7a5195' } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 9 } },
      ],
      layout: { name: 'breadthfirst', directed: true, padding: 20, spacingFactor: 1.2 },
    });
    cy.on('tap', 'edge', (event) => setSelected(data.edges[event.target.data('index') as number]));
    return () => cy.destroy();
  }, [data]);

  return (
    <section class="graph">
      <h1>Service graph</h1>
      <label>
        Window
        <select name="window" value={windowName} onChange={(e) => setWindowName((e.target as HTMLSelectElement).value)}>
          {WINDOWS.map((w) => (
            <option value={w} key={w}>
              last {w}
            </option>
          ))}
        </select>
      </label>
      {error && <p class="error">{error}</p>}
      {data && <p>{data.decisions} decisions in the window.</p>}
      <div class="graph-canvas" ref={container} data-edges={data?.edges.length ?? 0} />
      {selected && (
        <p class="edge-detail">
          {selected.caller} → {selected.service}: {selected.allowed} allowed, {selected.denied} denied
        </p>
      )}
      <RowsTable name="edges" headers={['Caller', 'Service', 'Allowed', 'Denied']} rows={(data?.edges ?? []).map((e) => ({ key: `${e.caller} ${e.service}`, cells: [e.caller, e.service, e.allowed, e.denied] }))} />
    </section>
  );
}
