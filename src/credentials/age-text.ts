const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/**
 * A span of time as people read it in a denial: its largest whole unit (`3d`, `90m` is `1h`,
 * `40s`), with smaller units added while the text would not yet show it is over `limitMs` (an age
 * of 24h30m against a 24h limit reads `1d0h30m`, not `1d`).
 *
 * @example
 * ageText(3 * 86_400_000 + 5_000) // → '3d'
 * ageText(24.5 * 3_600_000, 24 * 3_600_000) // → '1d0h30m'
 */
export function ageText(ms: number, limitMs = -1): string {
  let text = '';
  let shown = 0;
  for (const [unit, size] of UNITS) {
    const count = Math.floor((ms - shown) / size);
    if (text === '' && count === 0) continue;
    text += `${count}${unit}`;
    shown += count * size;
    if (shown > limitMs) break;
  }
  return text === '' ? '0s' : text;
}
