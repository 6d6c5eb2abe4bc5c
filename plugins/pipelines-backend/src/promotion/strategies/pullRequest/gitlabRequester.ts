import {
  ForgeRedirectError,
  fetchWithTimeout,
  noAnswerWithin,
  REDIRECT_REFUSED,
} from './requestTimeout';

/** What @gitbeaker's resources pass to a requester (`DefaultRequestOptions`). */
interface RequestOptions {
  searchParams?: Record<string, unknown>;
  body?: unknown;
  sudo?: string | number;
  signal?: AbortSignal;
}

/** What @gitbeaker's resources expect back (`FormattedResponse`). */
interface FormattedResponse {
  body: any;
  headers: Record<string, string>;
  status: number;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** GitLab's parameter names: `sourceBranch` → `source_branch` (as gitbeaker's `decamelizeKeys`). */
const snake = (key: string) =>
  key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function decamelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decamelize);
  if (value && typeof value === 'object' && value.constructor === Object)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [snake(k), decamelize(v)]),
    );
  return value;
}

function query(params: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v))
      v.forEach(item => search.append(`${snake(k)}[]`, String(item)));
    else search.append(snake(k), String(v));
  }
  return search.toString();
}

/** A failure in the shape of gitbeaker's `GitbeakerRequestError` (`cause.description`, `cause.response`). */
function requestError(description: string, response: Response): Error {
  const error = new Error(description, { cause: { description, response } });
  error.name = 'GitbeakerRequestError';
  return error;
}

/**
 * A requester for @gitbeaker/rest (its `requesterFn` option) that sends the token to the
 * forge's API only: every request is under `apiBaseUrl` (relative endpoints resolve against
 * the resource's own URL, `<apiBaseUrl>/projects` say; an absolute endpoint elsewhere is
 * refused), no redirect is followed (`fetchWithTimeout`), and each request
 * gives up after `timeoutMs`. It does not retry (gitbeaker's own requester retries 429 and
 * 502 ten times whatever Retry-After says): the promotion runner retries, honouring it.
 */
export function gitlabRequester(options: {
  apiBaseUrl: string;
  token: string;
  timeoutMs: number;
}) {
  const api = options.apiBaseUrl.replace(/\/*$/, '/');
  const send = fetchWithTimeout(options.timeoutMs);
  const request =
    (resourceUrl: string, method: string) =>
    async (
      endpoint: string,
      opts: RequestOptions = {},
    ): Promise<FormattedResponse> => {
      const url = new URL(endpoint, resourceUrl.replace(/\/*$/, '/'));
      if (!url.href.startsWith(api))
        throw new ForgeRedirectError(
          `the forge pointed the GitLab client at ${url.origin}, outside its API ${api}; ${REDIRECT_REFUSED}`,
        );
      const q = query(opts.searchParams);
      if (q) url.search = q;
      const headers: Record<string, string> = {
        'private-token': options.token,
        accept: 'application/json',
      };
      if (opts.sudo !== undefined) headers.sudo = String(opts.sudo);
      const hasBody =
        opts.body !== undefined &&
        !(typeof opts.body === 'object' && !Object.keys(opts.body!).length);
      if (hasBody) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await send(url, {
          method: method.toUpperCase(),
          headers,
          body: hasBody ? JSON.stringify(decamelize(opts.body)) : undefined,
          signal: opts.signal,
        });
      } catch (e) {
        const name = (e as Error)?.name;
        if (name === 'TimeoutError' || name === 'AbortError')
          throw new Error(noAnswerWithin(options.timeoutMs));
        throw e;
      }
      const type = (response.headers.get('content-type') ?? '').split(';')[0];
      const text = response.status === 204 ? '' : await response.text();
      if (!response.ok) {
        let description = text;
        if (type.trim() === 'application/json') {
          try {
            const data = JSON.parse(text);
            const detail = data?.error ?? data?.message ?? '';
            description =
              typeof detail === 'string' ? detail : JSON.stringify(detail);
          } catch {
            // not JSON after all: the text is the description
          }
        }
        throw requestError(description, response);
      }
      let body: unknown = text;
      if (response.status === 204) body = null;
      else if (type.trim() === 'application/json')
        body = JSON.parse(text || '{}');
      return {
        body,
        headers: Object.fromEntries(response.headers.entries()),
        status: response.status,
      };
    };
  return (resource: { url: string }) =>
    Object.fromEntries(
      METHODS.map(m => [m, request(resource.url, m)]),
    ) as Record<(typeof METHODS)[number], ReturnType<typeof request>>;
}
