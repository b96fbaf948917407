/**
 * Which process holds a lease (an indexing run, a claim on an image): its host and pid, and a token that tells two
 * stores opened by one process apart. A holder on this host whose pid is gone was killed; one on another host is
 * trusted until its lease expires.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  host: string;
  pid: number;
  /** host:pid:random, unique to one open store. */
  owner: string;
}

export function newProcessIdentity(): ProcessIdentity {
  const host = hostname();
  let owner: string | undefined;
  return {
    host,
    pid: process.pid,
    // Made when first asked for (a claim, a run): opening a library to search it needs no token, nor node:crypto.
    get owner() {
      if (owner === undefined) {
        const { randomBytes } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
        owner = `${host}:${process.pid}:${randomBytes(6).toString('hex')}`;
      }
      return owner;
    },
  };
}

/** True when the holder certainly no longer runs: same host, and no process has its pid. */
export function holderIsGone(holder: { host: string | null; pid: number | null }): boolean {
  if (holder.host !== hostname() || !holder.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
