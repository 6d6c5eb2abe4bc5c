import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { testForges } from '../__testUtils__/testForges';
import { forgeWarnings, ForgeRefusedError, readForgesConfig } from './forges';

const integrations = {
  github: [
    { host: 'github.com', token: 'gh' },
    {
      host: 'ghe.example.net',
      apiBaseUrl: 'https://ghe.example.net/api/v3',
    },
    { host: 'ghe.local:8080', apiBaseUrl: 'http://ghe.local:8080/api/v3' },
  ],
  gitlab: [
    {
      host: 'gitlab.example.org',
      apiBaseUrl: 'https://gitlab.example.org/api/v4',
    },
  ],
  bitbucketServer: [
    {
      host: 'bitbucket.example.com',
      apiBaseUrl: 'https://bitbucket.example.com/rest/api/1.0',
    },
  ],
};
const forges = testForges(
  {
    allowedHosts: [
      'git.example.com',
      'git8443.example.com:8443',
      'https://explicit.example.com',
      'http://127.0.0.1:6480',
    ],
  },
  integrations,
);

describe('Forges.endpoint', () => {
  it.each([
    [
      'https://github.com/my-org/my-app-repo',
      'github',
      'https://api.github.com',
      'integrations',
    ],
    [
      'https://GitHub.com/my-org/my-app-repo.git/',
      'github',
      'https://api.github.com',
      'integrations',
    ],
    [
      'https://ghe.example.net/org/repo',
      'github',
      'https://ghe.example.net/api/v3',
      'integrations',
    ],
    [
      'http://ghe.local:8080/org/repo',
      'github',
      'http://ghe.local:8080/api/v3',
      'integrations',
    ],
    [
      'https://gitlab.example.org/group/sub/project',
      'gitlab',
      'https://gitlab.example.org/api/v4',
      'integrations',
    ],
    [
      'https://bitbucket.example.com/scm/KEY/repo.git',
      'bitbucket-server',
      'https://bitbucket.example.com/rest/api/1.0',
      'integrations',
    ],
    [
      'https://git.example.com/org/repo',
      'gitlab',
      'https://git.example.com/api/v4',
      'allowedHosts',
    ],
    [
      'https://git8443.example.com:8443/org/repo',
      'github',
      'https://git8443.example.com:8443/api/v3',
      'allowedHosts',
    ],
    [
      'https://explicit.example.com/scm/K/r.git',
      'bitbucket-server',
      'https://explicit.example.com/rest/api/1.0',
      'allowedHosts',
    ],
    [
      'http://127.0.0.1:6480/my-org/my-app-repo',
      'github',
      'http://127.0.0.1:6480/api/v3',
      'allowedHosts',
    ],
  ] as const)('accepts %s (%s)', (url, provider, apiBaseUrl, source) => {
    const endpoint = forges.endpoint(url, provider);
    expect(endpoint).toMatchObject({ provider, apiBaseUrl, source });
    expect(endpoint.gitUrl).toBe(
      url.replace(/\/$/, '').replace('GitHub.com', 'github.com'),
    );
    expect(endpoint.http).toBe(url.startsWith('http:'));
  });

  it('names the host and the settings that would make it known', () => {
    expect(() =>
      forges.endpoint('https://evil.example/my-org/repo', 'github'),
    ).toThrow(
      new ForgeRefusedError(
        'The pull-request url host evil.example is not a known forge; add it to Backstage integrations or to pipelines.forges.allowedHosts',
      ),
    );
  });

  // Every kind of address git or an API client could be pointed elsewhere with.
  it.each([
    [
      'http://127.0.0.1:9999/my-org/repo',
      /127\.0\.0\.1:9999 is not a known forge/,
    ],
    [
      'https://127.0.0.1:6480/my-org/repo',
      /uses https, but 127\.0\.0\.1:6480 is configured with http/,
    ],
    ['http://127.0.0.1/my-org/repo', /127\.0\.0\.1 is not a known forge/],
    ['http://2130706433:6480/my-org/repo', /reads as 127\.0\.0\.1:6480/],
    ['http://0x7f.1:6480/my-org/repo', /reads as 127\.0\.0\.1:6480/],
    ['https://xn--github-.com/my-org/repo', /not valid|not a known/],
    ['https://gíthub.com/my-org/repo', /reads as xn--/],
    ['https://[::1]/my-org/repo', /\[::1\] is not a known forge/],
    ['https://10.0.0.1/my-org/repo', /10\.0\.0\.1 is not a known forge/],
    [
      'http://github.com/my-org/repo',
      /uses http, but github\.com is configured for https/,
    ],
    [
      'https://github.com:8443/my-org/repo',
      /github\.com is known, on another port/,
    ],
    [
      'https://git.example.com:444/org/repo',
      /git\.example\.com is known, on another port/,
    ],
    ['https://github.com./my-org/repo', /github\.com\. is not a known forge/],
    ['https://github.com.evil.example/my-org/repo', /not a known forge/],
    ['https://evilgithub.com/my-org/repo', /not a known forge/],
    ['https://user:pw@github.com/my-org/repo', /user name or password/],
    ['https://token@github.com/my-org/repo', /user name or password/],
    ['https://@github.com/my-org/repo', /user name or password/],
    ['https://github.com@evil.example/my-org/repo', /user name or password/],
    ['file:///etc/passwd', /must start with https/],
    ['file://github.com/my-org/repo', /must start with https/],
    ['ssh://git@github.com/my-org/repo', /must start with https/],
    ['git://github.com/my-org/repo', /must start with https/],
    ['ext::sh -c touch% /tmp/pwned', /whitespace|must start/],
    ['ext::sh', /must start with https/],
    ['git@github.com:my-org/repo.git', /must start with https/],
    ['--upload-pack=touch /tmp/pwned', /whitespace|must start/],
    ['-uhttps://github.com/a/b', /must start with https/],
    ['https://github.com/my-org/../other-org/repo', /plain repository path/],
    ['https://github.com/my-org/./repo', /plain repository path/],
    ['https://github.com/my-org/%2e%2e/repo', /plain repository path/],
    ['https://github.com/my-org%2Frepo/x', /plain repository path/],
    ['https://github.com/my-org/repo%2F..%2F..', /plain repository path/],
    ['https://github.com//my-org/repo', /plain repository path/],
    ['https://github.com/repo', /plain repository path/],
    ['https://github.com/my-org/repo?upload-pack=x', /query or fragment/],
    ['https://github.com/my-org/repo#main', /query or fragment/],
    ['https://github.com/my-org/repo\\..\\x', /backslash/],
    ['https://github.com/my-org/repo\n', /control character/],
    ['https://github.com/my-org/re po', /whitespace/],
    ['', /is empty/],
  ])('refuses %j', (url, message) => {
    let error: unknown;
    try {
      forges.endpoint(url, 'github');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForgeRefusedError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a url longer than 2048 characters', () => {
    expect(() =>
      forges.endpoint(`https://github.com/${'a/'.repeat(1100)}b`, 'github'),
    ).toThrow(/longer than 2048 characters/);
  });

  it('refuses a host of another provider, naming both', () => {
    expect(() =>
      forges.endpoint('https://gitlab.example.org/group/project', 'github'),
    ).toThrow(/is a gitlab integration, but the strategy's type is github/);
  });

  it('never shows a password from the url in its message', () => {
    expect(() =>
      forges.endpoint('https://bot:s3cret@evil.example/a/b', 'github'),
    ).toThrow(/^(?!.*s3cret)/);
  });
});

describe('readForgesConfig', () => {
  const read = (forgesConfig: object) => {
    const config = new ConfigReader({ pipelines: { forges: forgesConfig } });
    return readForgesConfig(config, ScmIntegrations.fromConfig(config));
  };

  it.each([
    'https://git.example.com/path',
    'ftp://git.example.com',
    'user@git.example.com',
    '*.example.com',
    'https://git.example.com?x=1',
    'not a host',
  ])('refuses the allowed host %j at start-up', entry => {
    expect(() => read({ allowedHosts: [entry] })).toThrow(
      /pipelines\.forges\.allowedHosts\[0\]/,
    );
  });

  it('knows only github.com and gitlab.com by default, and uses Secrets', () => {
    const defaults = read({});
    expect(defaults.credentials).toBe('secret');
    expect(defaults.httpHosts).toEqual([]);
    expect(
      defaults.endpoint('https://gitlab.com/g/p', 'gitlab').apiBaseUrl,
    ).toBe('https://gitlab.com/api/v4');
    expect(() =>
      defaults.endpoint('https://example.com/g/p', 'gitlab'),
    ).toThrow(ForgeRefusedError);
  });

  it('refuses an unknown credentials source', () => {
    expect(() => read({ credentials: 'both' })).toThrow(
      'pipelines.forges.credentials must be "secret" or "integrations", not "both"',
    );
  });

  it('warns about every http host and about integration credentials', () => {
    const forgesRead = read({
      allowedHosts: ['http://127.0.0.1:6480', 'git.example.com'],
      credentials: 'integrations',
    });
    expect(forgeWarnings(forgesRead)).toEqual([
      expect.stringMatching(
        /^Forge http:\/\/127\.0\.0\.1:6480 is configured with http/,
      ),
      expect.stringMatching(
        /^pipelines\.forges\.credentials is "integrations"/,
      ),
    ]);
  });
});
