import { DateTime, IANAZone } from 'luxon';

/**
 * On a Pipeline: when environments are frozen, e.g.
 * `"prod=Fri 16:00-Mon 08:00 Europe/Berlin, prod=2026-12-24 00:00-2026-12-27 00:00 Europe/Berlin"`.
 * A promotion into a frozen environment waits `queued` until the window ends; a user with
 * `pipelines.promotion.override` can break the glass with a reason. Entries are separated by
 * commas; an environment may have several windows. Each window is one of:
 * - weekly: `Fri 16:00-Mon 08:00 [zone]` (days Mon…Sun; ends on or after the start, up to a week),
 * - daily: `22:00-06:00 [zone]` (every day; may run past midnight),
 * - once: `2026-12-24 00:00-2026-12-27 00:00 [zone]`;
 * `zone` is an IANA time zone (default UTC). Times are local to the zone, daylight saving
 * included (luxon).
 * @public
 */
export const ANNOTATION_FREEZE = 'pipelines.weave.works/freeze';

/** One freeze window as written, for display. @public */
export interface FreezeWindow {
  environment: string;
  /** The window as the annotation writes it, e.g. `Fri 16:00-Mon 08:00 Europe/Berlin`. */
  text: string;
}

/** Whether an environment is frozen now, until when, and by which window. Times are ISO 8601. @public */
export type FreezeStatus =
  | { frozen: true; until: string; window: string }
  | { frozen: false };

type Parsed = FreezeWindow & {
  active: (now: DateTime) => DateTime | undefined;
};

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const TIME = '([01]\\d|2[0-3]):([0-5]\\d)';
const WEEKLY = new RegExp(
  `^(${DAYS.join('|')}) ${TIME}-(${DAYS.join('|')}) ${TIME}$`,
);
const DAILY = new RegExp(`^${TIME}-${TIME}$`);
const ONCE = new RegExp(
  `^(\\d{4}-\\d{2}-\\d{2}) ${TIME}-(\\d{4}-\\d{2}-\\d{2}) ${TIME}$`,
);

/**
 * A recurring window: its latest start at or before `now` (stepping back by `period` days,
 * calendar math, so wall-clock times hold across daylight saving changes) and its end,
 * `lengthMinutes` of wall-clock time later; the end when `now` is before it.
 */
function recurring(
  now: DateTime,
  start: DateTime,
  lengthMinutes: number,
  period: number,
) {
  let s = start;
  while (s > now) s = s.minus({ days: period });
  const endMinute = s.hour * 60 + s.minute + lengthMinutes;
  const end = s
    .plus({ days: Math.floor(endMinute / 1440) })
    .set({ hour: Math.floor((endMinute % 1440) / 60), minute: endMinute % 60 });
  return now < end ? end : undefined;
}

function parseWindow(environment: string, text: string): Parsed | string {
  const parts = text.trim().split(/\s+/);
  const zoneName =
    parts.length &&
    /^[A-Za-z_]+\/[A-Za-z_/+-]+$|^UTC$/.test(parts[parts.length - 1])
      ? parts.pop()!
      : 'UTC';
  if (!IANAZone.isValidZone(zoneName))
    return `"${zoneName}" is not an IANA time zone`;
  const body = parts.join(' ');
  const at = (d: DateTime, h: string, m: string) =>
    d.set({ hour: Number(h), minute: Number(m), second: 0, millisecond: 0 });
  const w = WEEKLY.exec(body);
  if (w) {
    const [startDay, endDay] = [DAYS.indexOf(w[1]) + 1, DAYS.indexOf(w[4]) + 1];
    const minutes = (day: number, h: string, m: string) =>
      (day - 1) * 1440 + Number(h) * 60 + Number(m);
    const length =
      (minutes(endDay, w[5], w[6]) - minutes(startDay, w[2], w[3]) + 10080) %
        10080 || 10080;
    return {
      environment,
      text,
      active: now => {
        const local = now.setZone(zoneName);
        return recurring(
          local,
          at(local.set({ weekday: startDay as 1 }), w[2], w[3]).plus({
            days: 7,
          }),
          length,
          7,
        );
      },
    };
  }
  const d = DAILY.exec(body);
  if (d) {
    const length =
      (Number(d[3]) * 60 +
        Number(d[4]) -
        Number(d[1]) * 60 -
        Number(d[2]) +
        1440) %
        1440 || 1440;
    return {
      environment,
      text,
      active: now => {
        const local = now.setZone(zoneName);
        return recurring(
          local,
          at(local, d[1], d[2]).plus({ days: 1 }),
          length,
          1,
        );
      },
    };
  }
  const o = ONCE.exec(body);
  if (o) {
    const start = DateTime.fromISO(`${o[1]}T${o[2]}:${o[3]}`, {
      zone: zoneName,
    });
    const end = DateTime.fromISO(`${o[4]}T${o[5]}:${o[6]}`, { zone: zoneName });
    if (!start.isValid || !end.isValid || end <= start)
      return `"${body}" is not a start date and time before an end one`;
    return {
      environment,
      text,
      active: now => (now >= start && now < end ? end : undefined),
    };
  }
  return `"${text.trim()}" is not a window such as "Fri 16:00-Mon 08:00 Europe/Berlin", "22:00-06:00 UTC" or "2026-12-24 00:00-2026-12-27 00:00 Europe/Berlin"`;
}

/** Parses the annotation's value; malformed entries are reported, never guessed. @public */
export function parseFreeze(value: string): {
  windows: FreezeWindow[];
  errors: string[];
} {
  const { windows, errors } = parseAll(value);
  return {
    windows: windows.map(({ environment, text }) => ({ environment, text })),
    errors,
  };
}

function parseAll(value: string): { windows: Parsed[]; errors: string[] } {
  const windows: Parsed[] = [];
  const errors: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\s*=\s*(.+)$/.exec(entry);
    const parsed = m
      ? parseWindow(m[1], m[3])
      : `"${entry}" is not environment=window`;
    if (typeof parsed === 'string') errors.push(parsed);
    else windows.push(parsed);
  }
  return { windows, errors };
}

/**
 * Whether `environment` is frozen at `now` (ms since the epoch) by the Pipeline's
 * {@link ANNOTATION_FREEZE}: the window in force that ends last, and its end. Malformed
 * entries are ignored here (the Pipeline is invalid and says so).
 * @public
 */
export function freezeStatus(
  annotations: Record<string, string> | undefined,
  environment: string,
  now: number,
): FreezeStatus {
  const value = annotations?.[ANNOTATION_FREEZE];
  if (!value) return { frozen: false };
  const at = DateTime.fromMillis(now, { zone: 'UTC' });
  let found: { until: DateTime; window: string } | undefined;
  for (const w of parseAll(value).windows.filter(
    x => x.environment === environment,
  )) {
    const end = w.active(at);
    if (end && (!found || end > found.until))
      found = { until: end, window: w.text.trim() };
  }
  return found
    ? {
        frozen: true,
        until: found.until.toUTC().toISO()!,
        window: found.window,
      }
    : { frozen: false };
}
