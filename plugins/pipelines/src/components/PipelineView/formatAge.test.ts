import { formatAge } from './formatAge';

describe('formatAge', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it.each([
    ['2026-11-25T11:59:15Z', '45s'],
    ['2026-11-25T11:48:00Z', '12m'],
    ['2026-11-25T09:00:00Z', '3h'],
    ['2026-11-23T12:00:00Z', '2d'],
    ['2026-11-25T12:00:30Z', '0s'],
  ])('%s is %s ago', (iso, expected) => {
    expect(formatAge(iso, now)).toBe(expected);
  });
});
