import semver from 'semver';

/**
 * Compares two semantic versions with the `semver` package (loose: an optional `v`; build
 * metadata ignored; a pre-release sorts before its release, semver.org §11): -1, 0 or 1,
 * or undefined when either is not a semantic version (a Git revision `main@sha1:…`, an
 * OCI digest), which callers must order some other way.
 * @public
 */
export function compareVersions(a: string, b: string): number | undefined {
  const x = semver.parse(a, { loose: true });
  const y = semver.parse(b, { loose: true });
  if (!x || !y) return undefined;
  return semver.compare(x, y);
}
