import { AuthenticationError, InputError } from '@backstage/errors';
import { z } from 'zod';
import { UnprocessableEntityError } from './errors';

/** How far a signed approval's `timestamp` may be from the server's clock. */
export const APPROVAL_MAX_AGE_SECONDS = 300;

/**
 * The body of `POST /approval/{namespace}/{name}/{environment}/{revision}`. The HMAC covers
 * the body only, so the body names what it approves (a signature for one pipeline, environment
 * or revision approves nothing else) and when it was made (a captured request cannot be
 * replayed later, e.g. when the same version waits again after a rollback).
 */
export const approvalBodySchema = z.object({
  namespace: z.string(),
  name: z.string(),
  environment: z.string(),
  revision: z.string(),
  /** Unix time in seconds. */
  timestamp: z.number().finite(),
  reason: z.string().max(1000).optional(),
});

export type ApprovalBody = z.infer<typeof approvalBodySchema>;

/**
 * Parses a signed approval body and checks it approves exactly the path's promotion, now.
 * 400 for a body that is not such JSON, 422 when it names another pipeline, environment or
 * revision, 401 when its timestamp is more than {@link APPROVAL_MAX_AGE_SECONDS} away.
 */
export function parseApprovalBody(
  raw: Buffer,
  path: {
    namespace: string;
    name: string;
    environment: string;
    revision: string;
  },
  nowSeconds = Date.now() / 1000,
): ApprovalBody {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InputError(
      'The approval body must be JSON: {"namespace", "name", "environment", "revision", "timestamp" (Unix seconds), "reason"?}',
    );
  }
  const parsed = approvalBodySchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(
      `Not an approval: ${parsed.error.issues
        .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const body = parsed.data;
  const mismatched = (
    ['namespace', 'name', 'environment', 'revision'] as const
  ).filter(k => body[k] !== path[k]);
  if (mismatched.length) {
    throw new UnprocessableEntityError(
      `The signed approval is for another promotion than the path's: ${mismatched
        .map(
          k => `${k} ${JSON.stringify(body[k])} ≠ ${JSON.stringify(path[k])}`,
        )
        .join(', ')}`,
    );
  }
  if (Math.abs(nowSeconds - body.timestamp) > APPROVAL_MAX_AGE_SECONDS) {
    throw new AuthenticationError(
      `The signed approval's timestamp is more than ${APPROVAL_MAX_AGE_SECONDS} s from the server's time: sign a fresh one`,
    );
  }
  return body;
}
