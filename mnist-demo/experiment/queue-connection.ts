/**
 * Reaching Redis, the first phase of every sweep on the queue (`SweepQueue.open`, `penx worker`):
 *
 *   URL ─► checked (redis://HOST:PORT[/DB]: else a UsageError) ─► reached once, fast (no reconnect loop)
 *       or an IOError; a database the server does not have ─► a UsageError
 *   later, a lost or not yet restored connection (`isConnectionError`) ─► the same request may succeed again
 */
import { Redis } from 'ioredis';
import { IOError, redactCredentials, UsageError } from 'penalty-explorer/node';

/** Where a Redis server is, and how to log in: options both ioredis and BullMQ take. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  readonly tls?: Record<string, never>;
}

/** The address in a `redis://[[user]:password@]HOST[:PORT][/DB]` (or `rediss://`) URL; a UsageError when it is not one. */
export function redisOptions(url: string): RedisAddress {
  const shown = redactCredentials(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`'${shown}' is not a Redis URL; expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UsageError(`'${shown}' is not a Redis URL (it starts with ${u.protocol}//); expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  if (!u.hostname) throw new UsageError(`'${shown}' names no host; expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`'${shown}': the path must be a database number (e.g. redis://127.0.0.1:6379/0), got /${db}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Select database `db` on `probe`, or a UsageError when the server has no such database (its `databases` setting, 16 by default). */
async function selectOrRefuse(probe: Redis, db: number, url: string): Promise<void> {
  try {
    await probe.select(db);
  } catch (err) {
    const shown = redactCredentials(url);
    throw new UsageError(
      `Redis at ${shown} has no database ${db} (${(err as Error).message}); give one it has, e.g. ${shown.replace(/\/\d+$/, '/0')} (its databases setting says how many)`,
    );
  }
}

/** Check that Redis answers at `url`, once and quickly (3 s at most), and has its database; an IOError when it does not answer, a UsageError when it has no such database. */
export async function checkRedis(url: string): Promise<RedisAddress> {
  const options = redisOptions(url);
  const probe = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let cause: Error | undefined;
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    try {
      await probe.connect();
      await probe.ping();
    } catch (err) {
      const why = (cause ?? (err as Error)).message;
      throw new IOError(`cannot reach Redis at ${redactCredentials(url)} (${redactCredentials(why)}); is redis-server running there, and reachable from here?`);
    }
    // ioredis goes on in database 0 when selecting the URL's fails: the sweep would land there.
    if (options.db !== undefined) await selectOrRefuse(probe, options.db, url);
  } finally {
    probe.disconnect();
  }
  return options;
}

/**
 * True for an error of a lost or not yet restored connection to Redis (a restart, a network
 * failure, Redis still loading its data), after which the same request may succeed again.
 */
export function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string } | null;
  if (!e || typeof e !== 'object') return false;
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    /^(LOADING|MASTERDOWN|TRYAGAIN)\b/.test(e.message ?? '') ||
    /Connection is closed|Stream isn't writeable|connect ECONN|read ECONNRESET|write EPIPE|ETIMEDOUT|socket closed/i.test(e.message ?? '') ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN'].includes(e.code ?? '')
  );
}
