import { createHmac, timingSafeEqual } from 'crypto';

const SIGNATURE = /^(sha224|sha256|sha384|sha512)=([0-9a-fA-F]+)$/;

/**
 * Checks an `X-Signature: <alg>=<hex>` header (sha224, sha256, sha384 or sha512 HMAC of
 * the raw body), as Flux's notification-controller sends it. Constant-time comparison.
 */
export function verifySignature(
  header: string | undefined,
  body: Buffer,
  key: string,
): boolean {
  const match = header ? SIGNATURE.exec(header.trim()) : null;
  if (!match) return false;
  const expected = createHmac(match[1], key).update(body).digest();
  const given = Buffer.from(match[2], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
