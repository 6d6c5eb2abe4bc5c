import {
  compareVersions,
  parseVersion,
  VERSION_NAME_MAX_LENGTH,
} from './versions';

const sha1 = 'a'.repeat(40);
const sha256 = '0123456789abcdef'.repeat(4);

const refused = (input: unknown) => {
  const result = parseVersion(input);
  if (result.valid)
    throw new Error(
      `${JSON.stringify(input)} was accepted as ${result.version}`,
    );
  return result.message;
};

describe('parseVersion', () => {
  it.each([
    ['6.5.0'],
    ['v1.2.3'],
    ['1.0.0-rc.1+build.5'],
    ['6.6.1+0cc9a8446c95'],
    ['latest'],
    ['main'],
    ['release/1.x'],
    ['_internal'],
    [`main@sha1:${sha1}`],
    [`refs/heads/main@sha1:${sha1}`],
    [`v1.0.0@sha1:${sha1}`],
    [`main@sha256:${sha256}`],
    [`6.5.0@sha256:${sha256}`],
    [`sha256:${sha256}`],
    [`sha512:${sha256}${sha256}`],
    ['main@sha1:5f4c8a1'],
    ['main@sha1:1'],
    ['a'.repeat(VERSION_NAME_MAX_LENGTH)],
    [`${'b'.repeat(VERSION_NAME_MAX_LENGTH)}@sha256:${sha256}`],
  ])('accepts %s unchanged', input =>
    expect(parseVersion(input)).toEqual({ valid: true, version: input }),
  );

  it('writes a digest in lower case, the form Git and OCI registries use', () => {
    expect(parseVersion(`main@sha1:${sha1.toUpperCase()}`)).toEqual({
      valid: true,
      version: `main@sha1:${sha1}`,
    });
    expect(parseVersion(`SHA256:${sha256.toUpperCase()}`)).toEqual({
      valid: true,
      version: `sha256:${sha256}`,
    });
  });

  it.each([
    ['U+200B zero-width space', '1.0.0\u200b', 'U+200B'],
    ['U+200B inside', '1.\u200b0.0', 'U+200B'],
    ['U+200C zero-width non-joiner', '1.0.0\u200c', 'U+200C'],
    ['U+200D zero-width joiner', '1.0.0\u200d', 'U+200D'],
    ['U+2060 word joiner', '\u20601.0.0', 'U+2060'],
    ['U+FEFF byte order mark', '\ufeff1.0.0', 'U+FEFF'],
    ['U+202E right-to-left override', '1.0.0\u202e1-cr', 'U+202E'],
    ['U+2066 left-to-right isolate', '\u20661.0.0\u2069', 'U+2066'],
    ['U+00AD soft hyphen', '1.0\u00ad.0', 'U+00AD'],
    ['U+2028 line separator', '1.0.0\u2028', 'U+2028'],
  ])('refuses an invisible character: %s', (_what, input, code) => {
    const message = refused(input);
    expect(message).toContain(`an invisible character (${code})`);
    // The message never carries the invisible character itself.
    expect(message).not.toMatch(
      /[\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\u00ad]/,
    );
  });

  it.each([
    ['a newline', '1.0.0\n', 'a control character (U+000A) at position 6'],
    ['a carriage return', '1.0.0\r\n', 'a control character (U+000D)'],
    ['a tab', '1.0.0\t', 'a control character (U+0009)'],
    ['a NUL', '1.0.0\u0000', 'a control character (U+0000)'],
    ['DEL', '1.0.0\u007f', 'a control character (U+007F)'],
    ['an escape sequence', '\u001b[31m1.0.0', 'a control character (U+001B)'],
    ['a space', '1.0.0 ', 'whitespace (U+0020)'],
    ['a no-break space', '1.0.0\u00a0', 'whitespace (U+00A0)'],
    ['an ideographic space', '1.0.0\u3000', 'whitespace (U+3000)'],
  ])('refuses %s', (_what, input, expected) =>
    expect(refused(input)).toContain(expected),
  );

  it.each([
    [
      'full-width digits and stop',
      '１.２.０',
      '"１" (U+FF11), a compatibility form of "1"',
    ],
    ['full-width stop only', '1．2.0', '(U+FF0E), a compatibility form of "."'],
    ['full-width letters', 'ｖ1.2.0', '(U+FF56), a compatibility form of "v"'],
    ['superscript digit', '1.2.0²', '(U+00B2), a compatibility form of "2"'],
    ['one dot leader', '1\u20242.0', '(U+2024), a compatibility form of "."'],
    ['ligature', 'ﬁx', '(U+FB01), a compatibility form of "fi"'],
  ])('refuses a compatibility form NFKC would rewrite: %s', (_w, input, e) =>
    expect(refused(input)).toContain(e),
  );

  it.each([
    ['Cyrillic о in rc', '1.0.0-rc.\u043e', 'U+043E'],
    ['Cyrillic а in main', 'm\u0430in', 'U+0430'],
    ['Cyrillic е in a Git revision', `r\u0435lease@sha1:${sha1}`, 'U+0435'],
    ['Greek ο', '1.0.0-\u03bf', 'U+03BF'],
    ['a combining acute accent', '1.0.0\u0301', 'U+0301'],
    ['an emoji', '1.0.0-🚀', 'U+1F680'],
  ])('refuses a look-alike or other non-ASCII character: %s', (_w, i, code) => {
    const message = refused(i);
    expect(message).toContain('the non-ASCII character');
    expect(message).toContain(code);
  });

  it.each([
    ['-rf', "starts with '-'"],
    ['--upload-pack=touch', '"="'],
    ['-1.0.0', "starts with '-'"],
    ['banana; rm -rf', '";" at position 7'],
    ['1.0.0;reboot', '";"'],
    ['$(id)', '"$"'],
    ['`id`', '"`"'],
    ['1.0.0|sh', '"|"'],
    ['1.0.0&&x', '"&"'],
    ['1.0.0>x', '">"'],
    ['"1.0.0"', `'"' at position 1`],
    ["'1.0.0'", `"'"`],
    ['[link](http://x)', '"["'],
    ['@alice', 'does not match the version pattern'],
    ['1.0.0#{"$promotion"}', '"#"'],
    ['../../etc/passwd', "'..'"],
    ['release//1', "'//'"],
    ['release/', 'trailing'],
    ['main@', 'does not match'],
    ['main@sha1', 'does not match'],
    ['main@sha1:xyz', 'does not match'],
    ['a:b:c', 'does not match'],
    [`main@sha1:${sha1}0`, 'a sha1 digest of 41 hex digits: sha1 has 40'],
    [`sha256:${sha256}${sha256}`, 'a sha256 digest of 128 hex digits'],
    [`main@md5:${sha1}`, 'unknown digest algorithm "md5"'],
  ])('refuses %s', (input, expected) =>
    expect(refused(input)).toContain(expected),
  );

  it('bounds the length, and never echoes a long input whole', () => {
    for (const length of [VERSION_NAME_MAX_LENGTH + 1, 300, 100_000]) {
      const message = refused('1'.repeat(length));
      expect(message).toContain(`is ${length} characters long`);
      expect(message).toContain(`at most ${VERSION_NAME_MAX_LENGTH}`);
      expect(message.length).toBeLessThan(200);
    }
    expect(refused(`${'c'.repeat(300)}@sha1:${sha1}`)).toContain(
      'is 346 characters long',
    );
  });

  it('refuses what is not a string, and the empty string', () => {
    for (const input of [undefined, null, 1, {}, ['1.0.0']])
      expect(refused(input)).toBe(
        'version must be a string, e.g. 6.5.0 or main@sha1:<hex>',
      );
    expect(refused('')).toBe('version must not be empty');
  });
});

describe('compareVersions', () => {
  it('orders semantic versions and leaves the rest to the ledger', () => {
    expect(compareVersions('1.2.0', '1.10.0')).toBe(-1);
    expect(compareVersions(`main@sha1:${sha1}`, '1.0.0')).toBeUndefined();
  });
});
