import { checkForgeLink } from './forgeUrl';

describe('checkForgeLink', () => {
  it.each([
    'https://github.com/my-org/repo/pull/1',
    'https://GITHUB.com/my-org/repo/pull/1',
    'http://github.com/my-org/repo/pull/1',
  ])('keeps %s for a repository on github.com', link => {
    expect(checkForgeLink(link, 'github.com')).toEqual({
      ok: true,
      url: new URL(link).toString(),
    });
  });

  // Every kind of link a hostile or compromised forge could hand the record (and the tab).
  it.each([
    // eslint-disable-next-line no-script-url -- a hostile forge's link, refused
    ['javascript:alert(document.cookie)', /scheme is javascript:/],
    ['data:text/html,<script>alert(1)</script>', /scheme is data:/],
    ['file:///etc/passwd', /scheme is file:/],
    ['vbscript:msgbox', /scheme is vbscript:/],
    ['https://evil.example/my-org/repo/pull/1', /on evil\.example, not on/],
    ['https://github.com.evil.example/pull/1', /not on the repository's host/],
    ['https://github.com:8443/my-org/repo/pull/1', /on github\.com:8443/],
    ['https://user:pw@github.com/pull/1', /user name or password/],
    ['//evil.example/pull/1', /not a URL/],
    ['/my-org/repo/pull/1', /not a URL/],
    ['', /gave no link/],
    [undefined, /gave no link/],
    [42, /gave no link/],
  ])('drops %j, saying why', (link, reason) => {
    const result = checkForgeLink(link, 'github.com');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
