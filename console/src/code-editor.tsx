import { useEffect, useRef } from 'preact/hooks';

/** A line marked in the gutter, with what is wrong there. */
export interface LineMark {
  line: number;
  message: string;
}

interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  marks?: LineMark[];
  label: string;
  rows?: number;
  /** A line to bring into view and select; a new object each time it should happen again. */
  reveal?: { line: number };
}

const LINE_HEIGHT_PX = 18;

/** A textarea with line numbers; lines with a mark are flagged in the gutter (title = the message). */
export function CodeEditor({ value, onChange, marks = [], label, rows = 24, reveal }: CodeEditorProps) {
  const gutter = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const textarea = area.current;
    if (!reveal || !textarea) return;
    const lines = textarea.value.split('\n');
    const start = lines.slice(0, reveal.line - 1).reduce((n, l) => n + l.length + 1, 0);
    textarea.focus();
    textarea.setSelectionRange(start, start + (lines[reveal.line - 1]?.length ?? 0));
    textarea.scrollTop = Math.max(0, (reveal.line - 4) * LINE_HEIGHT_PX);
    if (gutter.current) gutter.current.scrollTop = textarea.scrollTop;
  }, [reveal]);
  const lines = value.split('\n').length;
  const marked = new Map(marks.map((m) => [m.line, m.message]));
  return (
    <div class="code-editor">
      <div class="gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => {
          const message = marked.get(i + 1);
          return (
            <div class={message === undefined ? 'line-number' : 'line-number error-line'} data-line={i + 1} title={message} key={i}>
              {i + 1}
            </div>
          );
        })}
      </div>
      <textarea
        ref={area}
        aria-label={label}
        spellcheck={false}
        rows={rows}
        value={value}
        onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = (e.target as HTMLTextAreaElement).scrollTop;
        }}
      />
    </div>
  );
}
