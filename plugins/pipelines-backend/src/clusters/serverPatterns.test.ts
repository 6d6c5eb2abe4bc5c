import { parseServerPattern, serverAllowed } from './serverPatterns';

const allowed = (server: string, ...patterns: string[]) =>
  serverAllowed(new URL(server), patterns.map(parseServerPattern));

describe('serverPatterns', () => {
  it.each([
    ['https://prod.example.com:6443', 'prod.example.com', true],
    ['https://PROD.Example.com:6443', 'prod.example.com', true],
    ['https://prod.example.com', 'prod.example.com:443', true],
    ['https://prod.example.com:6443', 'prod.example.com:443', false],
    ['https://prod.example.com:6443', 'prod.example.com:6443', true],
    ['https://prod.example.com.evil.io', 'prod.example.com', false],
    ['https://evilprod.example.com', 'prod.example.com', false],
    ['https://a.clusters.example.com:6443', '*.clusters.example.com', true],
    ['https://a.b.clusters.example.com', '*.clusters.example.com', true],
    ['https://clusters.example.com', '*.clusters.example.com', false],
    ['https://evilclusters.example.com', '*.clusters.example.com', false],
    [
      'https://a.clusters.example.com:443',
      '*.clusters.example.com:6443',
      false,
    ],
    ['https://10.0.0.12:6443', '10.0.0.12', true],
    // WHATWG URL normalises other IPv4 spellings, on both sides.
    ['https://0x0a.0.0.12:6443', '10.0.0.12', true],
    ['https://167772172:6443', '10.0.0.12:6443', true],
    ['https://[fd00::1]:6443', '[fd00::1]', true],
    ['https://[fd00::1]:6443', '[FD00:0::1]:6443', true],
    ['https://[fd00::2]:6443', '[fd00::1]', false],
    ['https://xn--bcher-kva.example', 'bücher.example', true],
  ])('%s against %s: %s', (server, pattern, expected) => {
    expect(allowed(server, pattern)).toBe(expected);
  });

  it('matches when any pattern of the list does', () => {
    expect(
      allowed('https://b.example.com', 'a.example.com', 'b.example.com'),
    ).toBe(true);
  });

  it.each([
    '',
    '*',
    '*.',
    'https://prod.example.com',
    'prod.example.com/path',
    'user@prod.example.com',
    'prod.*.example.com',
    '*.[fd00::1]',
    'prod.example.com:99999',
    'prod example.com',
  ])('refuses the pattern "%s"', pattern => {
    expect(() => parseServerPattern(pattern)).toThrow(
      `"${pattern}" is not a server pattern: use host, host:port, *.domain or *.domain:port (e.g. "*.clusters.example.com:6443")`,
    );
  });
});
