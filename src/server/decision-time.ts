let lastMs = -1;
let lastText = '';

/**
 * The current time as RFC 3339 text with milliseconds (`Date#toISOString`), formatted once per
 * millisecond: thousands of decisions a second share a handful of texts.
 */
export function decisionTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastText = new Date(now).toISOString();
  }
  return lastText;
}
