import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { compareVersions, isBackwards, mayReplace } from './versionOrder';

const deployed = (version: string, at: string) =>
  ({ version, deployedAt: at, updatedAt: at } as PromotionRecord);

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
