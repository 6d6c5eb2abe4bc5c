import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import {
  compareVersions,
  isBackwards,
  mayReplace,
  newerVersion,
  rolledBackFrom,
} from './versionOrder';

const deployed = (version: string, at: string, trigger = 'user') =>
  ({ version, deployedAt: at, updatedAt: at, trigger } as PromotionRecord);

describe('compareVersions', () => {
  it.each([
    ['1.10.0', '1.9.0', 1],
    ['v2.0.0', '2.0.0', 0],
    ['1.0.0', '1.0.1', -1],
    ['6.0.1-rc.1', '6.0.0', 1],
    ['6.0.1-rc.1', '6.0.1', -1],
    ['6.0.1-rc.2', '6.0.1-rc.10', -1],
    ['6.6.1+0cc9a8446c95', '6.6.1', 0],
  ])('%s vs %s', (a, b, expected) =>
    expect(compareVersions(a, b)).toBe(expected),
  );
  it('is undefined for Git and OCI revisions', () => {
    expect(compareVersions('main@sha1:abc', '1.0.0')).toBeUndefined();
    expect(
      compareVersions('v1.0.0@sha256:abc', 'v1.0.0@sha256:def'),
    ).toBeUndefined();
  });
});

describe('isBackwards', () => {
  it('orders semantic versions by semver', () => {
    expect(isBackwards('6.0.0', ['6.1.0'], [])).toBe(true);
    expect(isBackwards('6.2.0', ['6.1.0'], [])).toBe(false);
  });
  it('orders Git revisions by the ledger, never by string', () => {
    const ledger = [
      deployed('main@sha1:bbb', '2026-11-01T00:00:00Z'),
      deployed('main@sha1:aaa', '2026-11-02T00:00:00Z'),
    ];
    // bbb ran before aaa: going back to it is backwards, though "bbb" > "aaa" as strings.
    expect(isBackwards('main@sha1:bbb', ['main@sha1:aaa'], ledger)).toBe(true);
    expect(isBackwards('main@sha1:aaa', ['main@sha1:bbb'], ledger)).toBe(false);
    // A revision the environment never had is a step forward.
    expect(isBackwards('main@sha1:ccc', ['main@sha1:aaa'], ledger)).toBe(false);
  });
});

describe('newerVersion', () => {
  it('names what is ahead: a target, else the newest deployed row (semver)', () => {
    expect(newerVersion('1.0.0', ['0.9.0', '1.2.0'], [])).toBe('1.2.0');
    const ledger = [
      deployed('1.1.0', '2026-11-01T00:00:00Z'),
      deployed('1.3.0', '2026-11-02T00:00:00Z'),
    ];
    expect(newerVersion('1.2.0', [], ledger)).toBe('1.3.0');
    expect(newerVersion('1.3.0', [], ledger)).toBeUndefined();
    // After a rollback the newest row is the rollback's: 1.2.0 is ahead of it.
    const rolledBack = [
      ...ledger,
      deployed('1.1.0', '2026-11-03T00:00:00Z', 'rollback'),
    ];
    expect(newerVersion('1.2.0', ['1.1.0'], rolledBack)).toBeUndefined();
    expect(newerVersion('1.0.0', ['1.1.0'], rolledBack)).toBe('1.1.0');
  });
});

describe('rolledBackFrom', () => {
  it('finds the rollback deployed after a version was last deployed', () => {
    const ledger = [
      deployed('1.0.0', '2026-11-01T00:00:00Z'),
      deployed('1.1.0', '2026-11-02T00:00:00Z'),
      deployed('1.0.0', '2026-11-03T00:00:00Z', 'rollback'),
    ];
    expect(rolledBackFrom('1.1.0', ledger)?.deployedAt).toBe(
      '2026-11-03T00:00:00Z',
    );
    expect(rolledBackFrom('1.0.0', ledger)).toBeUndefined();
    expect(rolledBackFrom('1.2.0', ledger)).toBeUndefined();
    // Deployed again after the rollback: no longer rolled away from.
    expect(
      rolledBackFrom('1.1.0', [
        ...ledger,
        deployed('1.1.0', '2026-11-04T00:00:00Z'),
      ]),
    ).toBeUndefined();
  });
});

describe('mayReplace', () => {
  it('lets a newer or unordered version replace, an older one only by a rollback', () => {
    expect(
      mayReplace({ version: '7.0.1', trigger: 'user' }, { version: '7.0.0' }),
    ).toBe(true);
    expect(
      mayReplace(
        { version: '7.0.0', trigger: 'webhook' },
        { version: '7.0.1' },
      ),
    ).toBe(false);
    expect(
      mayReplace(
        { version: '7.0.0', trigger: 'rollback' },
        { version: '7.0.1' },
      ),
    ).toBe(true);
    expect(
      mayReplace(
        { version: 'main@sha1:b', trigger: 'level' },
        { version: 'main@sha1:a' },
      ),
    ).toBe(true);
  });
});
