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

/**
 * The longest version name before an optional digest: Docker's limit for a tag, room
 * for any semantic version or branch name a chart or Git revision carries.
 * @public
 */
export const VERSION_NAME_MAX_LENGTH = 128;

/**
 * The digests a version may end with, and their length in hex digits (the most a version
 * may carry; Flux writes them whole, people and stand-ins sometimes abbreviate): Git's object ids
 * (`sha1`, `sha256`) and the OCI / Flux artifact digests (`sha256`, `sha384`, `sha512`,
 * `blake3`).
 * @public
 */
export const VERSION_DIGEST_LENGTHS: Readonly<Record<string, number>> = {
  sha1: 40,
  sha256: 64,
  sha384: 96,
  sha512: 128,
  blake3: 64,
};

/**
 * The pattern a version matches, after {@link parseVersion}'s character checks:
 * - a name — a semantic version (`6.5.0`, `v1.2.3-rc.1+build.5`), a chart version, a tag
 *   or a Git branch (`main`, `release/1.x`): ASCII letters, digits and `. _ + - /`,
 *   starting with a letter, digit or `_`;
 * - optionally followed by `@<algorithm>:<hex>`, as Flux writes revisions
 *   (`main@sha1:<40 hex>`, `6.5.0@sha256:<64 hex>`);
 * - or a digest alone (`sha256:<64 hex>`, a Bucket or OCI artifact).
 * @public
 */
export const VERSION_PATTERN =
  '^(?:[A-Za-z0-9_][A-Za-z0-9._+/-]*(?:@[a-z0-9]+:[0-9a-f]+)?|[a-z0-9]+:[0-9a-f]+)$';

/** Longer inputs are refused before their characters are looked at. */
const VERSION_MAX_INPUT_LENGTH = 512;

/** The result of {@link parseVersion}. @public */
export type ParsedVersion =
  | { valid: true; version: string }
  | { valid: false; message: string };

const codePoint = (c: string) =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What kind of character is not allowed, for the message; undefined when it is allowed. */
function forbiddenCharacter(c: string): string | undefined {
  if (/^[A-Za-z0-9._+/@:-]$/.test(c)) return undefined;
  if (/^\p{Cc}$/u.test(c)) return `a control character (${codePoint(c)})`;
  if (/^[\p{Cf}\p{Zl}\p{Zp}]$/u.test(c))
    return `an invisible character (${codePoint(c)})`;
  if (/^\s$/u.test(c)) return `whitespace (${codePoint(c)})`;
  const compatible = c.normalize('NFKC');
  if (compatible !== c && /^[\x21-\x7e]+$/.test(compatible))
    return `"${c}" (${codePoint(c)}), a compatibility form of "${compatible}"`;
  if (c === '"') return `'"'`;
  if (/^[\x21-\x7e]$/.test(c)) return `"${c}"`;
  return `the non-ASCII character "${c}" (${codePoint(c)})`;
}

/** The input for a message: short, and with nothing that could hide text or break a line. */
function shown(input: string): string {
  const safe = Array.from(input)
    .map(c => (forbiddenCharacter(c) && !/^[\x20-\x7e]$/.test(c) ? '?' : c))
    .join('');
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}

/**
 * Checks and normalises a version at an entrance (an API request, a webhook, a
 * rollback, a retry): the one place that says what a version may be.
 *
 * Normalisation is NFKC, and a version NFKC changes is refused rather than silently
 * rewritten (`１.２.０` is not `1.2.0`: what a person reads must be what is promoted),
 * so the canonical version is the input itself, with a digest's hex in lower case.
 * Refused: anything but ASCII (invisible characters such as U+200B, U+2060, U+FEFF,
 * bidi controls such as U+202E, look-alikes such as Cyrillic letters, full-width forms),
 * whitespace and newlines, a leading `-` (it would read as an option), `..`, a name
 * longer than {@link VERSION_NAME_MAX_LENGTH}, a digest longer than its algorithm's, and
 * anything else {@link VERSION_PATTERN} does not match.
 * @public
 */
export function parseVersion(input: unknown): ParsedVersion {
  const refuse = (why: string): ParsedVersion => ({
    valid: false,
    message: why,
  });
  if (typeof input !== 'string')
    return refuse('version must be a string, e.g. 6.5.0 or main@sha1:<hex>');
  if (input === '') return refuse('version must not be empty');
  if (input.length > VERSION_MAX_INPUT_LENGTH)
    return refuse(
      `version "${shown(input.slice(0, 40))}" is ${
        input.length
      } characters long: a version's name is at most ${VERSION_NAME_MAX_LENGTH}`,
    );
  const chars = Array.from(input);
  const index = chars.findIndex(c => forbiddenCharacter(c));
  if (index !== -1) {
    return refuse(
      `version "${shown(input)}" contains ${forbiddenCharacter(
        chars[index],
      )} at position ${
        index + 1
      }: versions are ASCII letters, digits and . _ + - / @ :`,
    );
  }
  const at = input.lastIndexOf('@');
  const digestOnly = at === -1 && input.includes(':');
  let name = at === -1 ? input : input.slice(0, at);
  if (digestOnly) name = '';
  if (name.length > VERSION_NAME_MAX_LENGTH)
    return refuse(
      `version "${shown(input)}" is ${
        input.length
      } characters long: a version's name is at most ${VERSION_NAME_MAX_LENGTH}`,
    );
  if (input.startsWith('-'))
    return refuse(
      `version "${shown(
        input,
      )}" starts with '-': a version starts with a letter, digit or '_'`,
    );
  if (input.includes('..') || input.includes('//') || /[./]$/.test(name))
    return refuse(
      `version "${shown(
        input,
      )}" has an empty or relative path segment ('..', '//' or a trailing '.' or '/')`,
    );
  const version = input.replace(/([a-z0-9]+):([0-9A-Fa-f]+)$/i, (_m, a, h) =>
    `${a}:${h}`.toLowerCase(),
  );
  if (!new RegExp(VERSION_PATTERN).test(version))
    return refuse(
      `version "${shown(
        input,
      )}" does not match the version pattern: a semantic version, tag or branch (6.5.0, main), optionally @<algorithm>:<hex> (main@sha1:<hex>), or a digest (sha256:<hex>)`,
    );
  const digest = /(?:^|@)([a-z0-9]+):([0-9a-f]+)$/.exec(version);
  if (digest) {
    const [, algorithm, hex] = digest;
    const length = VERSION_DIGEST_LENGTHS[algorithm];
    if (length === undefined)
      return refuse(
        `version "${shown(
          input,
        )}" has an unknown digest algorithm "${algorithm}" (${Object.keys(
          VERSION_DIGEST_LENGTHS,
        ).join(', ')})`,
      );
    if (hex.length > length)
      return refuse(
        `version "${shown(input)}" has a ${algorithm} digest of ${
          hex.length
        } hex digits: ${algorithm} has ${length}`,
      );
  }
  return { valid: true, version };
}
