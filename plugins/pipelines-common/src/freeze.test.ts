import { freezeStatus, parseFreeze } from './freeze';

const status = (value: string, iso: string, environment = 'prod') =>
  freezeStatus(
    { 'pipelines.weave.works/freeze': value },
    environment,
    Date.parse(iso),
  );

describe('freezeStatus', () => {
  const weekend = 'prod=Fri 16:00-Mon 08:00 Europe/Berlin';

  it('freezes a weekly window in its time zone, until its end', () => {
    // 2026-11-27 is a Friday; Berlin is UTC+1 in November.
    expect(status(weekend, '2026-11-27T14:59:00Z')).toEqual({ frozen: false });
    expect(status(weekend, '2026-11-27T15:00:00Z')).toEqual({
      frozen: true,
      until: '2026-11-30T07:00:00.000Z',
      window: 'Fri 16:00-Mon 08:00 Europe/Berlin',
    });
    expect(status(weekend, '2026-11-29T23:00:00Z')).toMatchObject({
      frozen: true,
      until: '2026-11-30T07:00:00.000Z',
    });
    expect(status(weekend, '2026-11-30T07:00:00Z')).toEqual({ frozen: false });
    expect(status(weekend, '2026-11-27T15:00:00Z', 'test')).toEqual({
      frozen: false,
    });
  });

  it('keeps wall-clock times across a daylight saving change', () => {
    // Berlin moves to summer time on Sunday 2026-03-29: the window ends at 08:00 CEST = 06:00 UTC.
    expect(status(weekend, '2026-03-27T15:00:00Z')).toMatchObject({
      frozen: true,
      until: '2026-03-30T06:00:00.000Z',
    });
  });

  it('freezes daily windows past midnight and one-off windows, and takes the window in force that ends last', () => {
    expect(status('prod=22:00-06:00', '2026-11-30T23:30:00Z')).toMatchObject({
      frozen: true,
      until: '2026-12-01T06:00:00.000Z',
    });
    expect(status('prod=22:00-06:00', '2026-12-01T05:00:00Z')).toMatchObject({
      frozen: true,
      until: '2026-12-01T06:00:00.000Z',
    });
    expect(status('prod=22:00-06:00', '2026-12-01T12:00:00Z')).toEqual({
      frozen: false,
    });
    const both = `${weekend}, prod=2026-12-24 00:00-2026-12-27 00:00 Europe/Berlin`;
    expect(status(both, '2026-12-25T16:00:00Z')).toMatchObject({
      frozen: true,
      until: '2026-12-28T07:00:00.000Z',
      window: 'Fri 16:00-Mon 08:00 Europe/Berlin',
    });
    expect(status(both, '2026-12-24T12:00:00Z')).toMatchObject({
      frozen: true,
      until: '2026-12-26T23:00:00.000Z',
    });
  });
});

describe('parseFreeze', () => {
  it('reports each malformed window with the accepted forms', () => {
    expect(
      parseFreeze('prod=Fri 16:00-Mon 08:00 Europe/Berlin, test=22:00-06:00')
        .errors,
    ).toEqual([]);
    expect(
      parseFreeze(
        'prod=Friday 16:00-Mon 08:00, test=10:00-11:00 Mars/Olympus, qa=2026-12-27 00:00-2026-12-24 00:00, x',
      ).errors,
    ).toEqual([
      expect.stringMatching(
        /^"Friday 16:00-Mon 08:00" is not a window such as "Fri 16:00-Mon 08:00 Europe\/Berlin"/,
      ),
      '"Mars/Olympus" is not an IANA time zone',
      '"2026-12-27 00:00-2026-12-24 00:00" is not a start date and time before an end one',
      '"x" is not environment=window',
    ]);
  });
});
