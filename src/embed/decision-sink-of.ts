import { createRedactor, type DecisionRecord, type DecisionSink } from '../audit/index.js';

/** Where an embedded Authorizer's decisions go: a sink (see src/audit), a function, or nowhere. */
export type DecisionLogOption = DecisionSink | ((record: DecisionRecord) => void) | false;

/**
 * A function as a {@link DecisionSink}: each record is redacted first (as every Warden decision log
 * is: tokens, authorization headers, secrets by name and by look, plus `redactPaths`), then handed
 * over. A function that throws loses that record (counted in `dropped`), never the decision.
 */
function functionSink(write: (record: DecisionRecord) => void, redactPaths: string[] | undefined): DecisionSink {
  const redact = createRedactor({ paths: redactPaths });
  const sink = {
    dropped: 0,
    write(record: DecisionRecord | string): void {
      try {
        write(redact(typeof record === 'string' ? JSON.parse(record) : record) as DecisionRecord);
      } catch {
        sink.dropped++;
      }
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return sink;
}

/** The sink of a `decisionLog` option; `undefined` for none. A given sink stays the caller's to close. */
export function decisionSinkOf(option: DecisionLogOption | undefined, redactPaths?: string[]): DecisionSink | undefined {
  if (option === undefined || option === false) return undefined;
  return typeof option === 'function' ? functionSink(option, redactPaths) : option;
}
