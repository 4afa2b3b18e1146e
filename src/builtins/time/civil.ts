// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), as Go's time
// package does it. Works for any integer year; callers check the nanosecond range afterwards.

export const SECONDS_PER_DAY = 86400;

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysIn(month: number, year: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS_IN[month - 1]!;
}

/** Floor division and remainder, as Go's `norm` uses them. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function floorMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

/** Day number of year/month/day; month 1–12, day may run past the month's end. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = floorDiv(153 * mp + 2, 5);
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468 + (day - 1);
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** 0 = Sunday. */
export function weekdayOfDays(days: number): number {
  return floorMod(days + 4, 7);
}

/** 1-based day of the year. */
export function yearDay(days: number, year: number): number {
  return days - daysFromCivil(year, 1, 1) + 1;
}

export const LONG_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const LONG_MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Go's `time.Date` normalisation without the zone step: the local wall clock as seconds since
 * the epoch (as if in UTC), with months, days, hours, minutes and seconds allowed to overflow.
 */
export function wallSeconds(
  year: number,
  month: number,
  day: number,
  hour: number,
  min: number,
  sec: number,
): number {
  const m0 = month - 1;
  const y = year + floorDiv(m0, 12);
  const m = floorMod(m0, 12) + 1;
  return daysFromCivil(y, m, day) * SECONDS_PER_DAY + hour * 3600 + min * 60 + sec;
}
