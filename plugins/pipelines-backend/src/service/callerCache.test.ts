import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { callerId, createCallerCache } from './callerCache';

afterEach(() => jest.restoreAllMocks());

describe('createCallerCache', () => {
  it('shares one pending answer between concurrent callers and keeps it for the TTL', async () => {
    let now = 1_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const cached = createCallerCache<number>({ ttlMs: 5_000 });
    const ask = jest.fn(async () => 42);
    expect(await Promise.all([cached('a', ask), cached('a', ask)])).toEqual([
      42, 42,
    ]);
    expect(ask).toHaveBeenCalledTimes(1);
    now += 4_999;
    await cached('a', ask);
    expect(ask).toHaveBeenCalledTimes(1);
    now += 2;
    await cached('a', ask);
    expect(ask).toHaveBeenCalledTimes(2);
  });

  it('keeps a refusal but asks again after any other failure', async () => {
    const cached = createCallerCache<void>();
    const refuse = jest.fn(async () => {
      throw new NotAllowedError('no');
    });
    await expect(cached('r', refuse)).rejects.toThrow('no');
    await expect(cached('r', refuse)).rejects.toThrow('no');
    expect(refuse).toHaveBeenCalledTimes(1);
    const down = jest.fn(async () => {
      throw new Error('permission backend unavailable');
    });
    await expect(cached('d', down)).rejects.toThrow('unavailable');
    await new Promise(r => setImmediate(r));
    await expect(cached('d', down)).rejects.toThrow('unavailable');
    expect(down).toHaveBeenCalledTimes(2);
  });

  it('drops the least recently used answer past the maximum', async () => {
    const cached = createCallerCache<string>({ max: 2 });
    const ask = jest.fn(async () => 'x');
    await cached('a', ask);
    await cached('b', ask);
    await cached('c', ask);
    await cached('a', ask);
    expect(ask).toHaveBeenCalledTimes(4);
  });
});

describe('callerId', () => {
  it('names users by entity ref and services by subject', () => {
    expect(callerId(mockCredentials.user('user:default/alice'))).toBe(
      'user:default/alice',
    );
    expect(callerId(mockCredentials.service('plugin:catalog'))).toBe(
      'plugin:catalog',
    );
  });
});
