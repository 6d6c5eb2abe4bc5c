import { createHmac } from 'crypto';
import { verifySignature } from './signature';

const body = Buffer.from('{"metadata":{"revision":"6.0.1"}}');
const sign = (alg: string, key = 'secret') =>
  `${alg}=${createHmac(alg, key).update(body).digest('hex')}`;

describe('verifySignature', () => {
  it.each(['sha224', 'sha256', 'sha384', 'sha512'])(
    'accepts a correct %s HMAC',
    alg => {
      expect(verifySignature(sign(alg), body, 'secret')).toBe(true);
    },
  );

  it('refuses a wrong key, a changed body, other algorithms and malformed headers', () => {
    expect(verifySignature(sign('sha256', 'other'), body, 'secret')).toBe(
      false,
    );
    expect(
      verifySignature(sign('sha256'), Buffer.from(`${body} `), 'secret'),
    ).toBe(false);
    expect(verifySignature(sign('sha1'), body, 'secret')).toBe(false);
    expect(verifySignature(undefined, body, 'secret')).toBe(false);
    expect(verifySignature('sha256=', body, 'secret')).toBe(false);
    expect(verifySignature('sha256=zz', body, 'secret')).toBe(false);
    expect(verifySignature(sign('sha256').slice(0, -2), body, 'secret')).toBe(
      false,
    );
  });
});
