import { stringify } from 'yaml';
import { kubeConfigFromSecretValue } from './kubeConfigs';
import { MAX_KUBECONFIG_BYTES } from './parseKubeconfigYaml';
import {
  cleanKubeconfig,
  refusalOfText,
  SECRET,
  SECRET_REF,
} from './__fixtures__/kubeconfigs';

const PREFIX = `the kubeconfig in Secret ${SECRET_REF}`;

/** The clean kubeconfig's clusters and contexts, as YAML, for texts that write their own users. */
const rest = `
clusters:
  - name: prod
    cluster: { server: 'https://prod.example.com:6443' }
contexts:
  - name: prod
    context: { cluster: prod, user: reader }
current-context: prod
`;

const EXEC = `{ apiVersion: client.authentication.k8s.io/v1, command: sh, args: [-c, 'echo ${SECRET}'] }`;

describe('parseKubeconfigYaml (through readKubeconfig)', () => {
  it('reads a JSON kubeconfig', () => {
    expect(refusalOfText(JSON.stringify(cleanKubeconfig()))).toBeUndefined();
  });

  it('refuses an exec plugin in a JSON kubeconfig', () => {
    const k = cleanKubeconfig();
    k.users[0].user.exec = { command: 'sh' };
    expect(refusalOfText(JSON.stringify(k))).toContain(
      'uses an exec credential plugin (users[0].user.exec)',
    );
  });

  it('resolves anchors and aliases, then checks what they expand to', () => {
    const clean = `users:
  - name: reader
    user: &creds { token: ${SECRET} }
  - name: copy
    user: *creds
${rest}`;
    expect(refusalOfText(clean)).toBeUndefined();
    // An anchor in a section nothing reads (extensions), aliased into a user.
    const hidden = `extensions:
  - name: templates
    extension: &plugin ${EXEC}
users:
  - name: reader
    user: { token: t, exec: *plugin }
${rest}`;
    expect(refusalOfText(hidden)).toContain(
      'uses an exec credential plugin (users[0].user.exec)',
    );
    const inList = `users:
  - &evil { name: other, user: { exec: ${EXEC} } }
  - name: reader
    user: { token: t }
${rest}`;
    expect(refusalOfText(inList)).toContain(
      'uses an exec credential plugin (users[0].user.exec)',
    );
  });

  it('applies merge keys as client-go does, and checks the merged fields', () => {
    const merged = `users:
  - name: base
    user: &base { token: t }
  - name: reader
    user: { <<: *base }
${rest}`;
    expect(refusalOfText(merged)).toBeUndefined();
    const evil = `users:
  - name: other
    user: &evil { exec: ${EXEC} }
  - name: reader
    user: { <<: *evil, token: t }
${rest}`;
    expect(refusalOfText(evil)).toContain('(users[0].user.exec)');
    const onlyMerged = `clusters:
  - name: prod
    cluster: { <<: { server: 'https://prod.example.com', proxy-url: 'http://127.0.0.1:3128' } }
users: [{ name: reader, user: { token: t } }]
contexts: [{ name: prod, context: { cluster: prod, user: reader } }]
current-context: prod
`;
    expect(refusalOfText(onlyMerged)).toContain(
      'sends its requests through a proxy (clusters[0].cluster.proxy-url)',
    );
  });

  it('refuses a key given twice (parsers disagree on which one wins)', () => {
    const twice = `users:
  - name: reader
    user: { token: t }
    user: { exec: ${EXEC} }
${rest}`;
    expect(refusalOfText(twice)).toBe(
      `${PREFIX} is not valid YAML (duplicate key at line 4, column 5)`,
    );
  });

  it('refuses more than one document, and none', () => {
    const one = stringify(cleanKubeconfig());
    expect(refusalOfText(`${one}---\n${one}`)).toBe(
      `${PREFIX} holds 2 YAML documents; one kubeconfig is expected`,
    );
    expect(refusalOfText('')).toBe(`${PREFIX} is empty`);
    expect(refusalOfText('# only a comment\n')).toBe(`${PREFIX} is empty`);
  });

  it('refuses an alias bomb without expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(
        `${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`,
      );
    }
    const started = Date.now();
    expect(refusalOfText(levels.join('\n'))).toBe(
      `${PREFIX} uses YAML aliases that expand too far (at most 100)`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses tags it does not resolve, and YAML 1.1 booleans', () => {
    expect(refusalOfText(`${stringify(cleanKubeconfig())}x: !exec sh`)).toMatch(
      /^the kubeconfig in Secret .* is not valid YAML \(tag resolve failed at line \d+, column \d+\)$/,
    );
    const yes = cleanKubeconfig();
    const text = stringify(yes).replace(
      'server: https://prod.example.com:6443',
      'server: https://prod.example.com:6443\n      insecure-skip-tls-verify: yes',
    );
    expect(refusalOfText(text)).toContain(
      'clusters[0].cluster.insecure-skip-tls-verify must be true or false',
    );
  });

  it('reports a syntax error by line and column, never quoting the text', () => {
    expect(
      refusalOfText(`users:\n  - name: reader\n    user: { token: ${SECRET}\n`),
    ).toMatch(
      /^the kubeconfig in Secret tenant-a\/prod-kubeconfig is not valid YAML \([a-z ]+ at line \d+, column \d+\)$/,
    );
  });

  it(`caps the size at ${MAX_KUBECONFIG_BYTES} bytes, before and after base64`, () => {
    const k = cleanKubeconfig();
    k.preferences = { padding: 'x'.repeat(MAX_KUBECONFIG_BYTES) };
    const text = stringify(k);
    expect(refusalOfText(text)).toBe(
      `${PREFIX} is ${Buffer.byteLength(
        text,
      )} bytes long; pipelines reads kubeconfigs of at most ${MAX_KUBECONFIG_BYTES} bytes`,
    );
    const encoded = Buffer.from(text).toString('base64');
    expect(() =>
      kubeConfigFromSecretValue(encoded, { secret: SECRET_REF }),
    ).toThrow(
      `${PREFIX} is longer than ${MAX_KUBECONFIG_BYTES} bytes, the most pipelines reads`,
    );
    const fits = cleanKubeconfig();
    fits.preferences = { padding: 'x'.repeat(MAX_KUBECONFIG_BYTES - 1000) };
    const kc = kubeConfigFromSecretValue(
      Buffer.from(stringify(fits)).toString('base64'),
      { secret: SECRET_REF },
    );
    expect(kc.getCurrentUser()?.token).toBe(SECRET);
  });
});
