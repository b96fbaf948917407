/**
 * A PostgreSQL server of a test's own (initdb in a temporary folder, on a free port), for tests that stop or restart
 * the server itself, which they must not do to the shared one on 5432. Made with the installed server's binaries
 * (`pg_config --bindir`, PostgreSQL 15 on node-svc machines). initdb refuses to run as root, so as root the server
 * runs as the `postgres` user the Debian package makes.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCluster {
  /** postgres://root@127.0.0.1:PORT/NAME for a database name (made on first use by a store opened for writing). */
  url(database: string): string;
  /** `pg_ctl restart -m fast`: every connection is ended, the server is down a moment, then back on the same port. */
  restart(): void;
  stop(): void;
}

export async function startTestCluster(): Promise<TestCluster> {
  const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  const folder = mkdtempSync(join(tmpdir(), 'glimpse-pg-cluster-'));
  const data = join(folder, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(folder, uid, gid);
    chmodSync(folder, 0o700);
  }
  const run = (program: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : join(bin, program),
      asRoot ? ['-u', 'postgres', '--', join(bin, program), ...args] : args,
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      },
    );
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'root', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // Quick and private: no fsync (nothing here needs to survive a crash), the socket in the test's folder.
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB`;
  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', data, '-l', join(folder, 'server.log'), '-w', ...args]);
  pgCtl('-o', options, 'start');
  let stopped = false;
  return {
    url: (database) => `postgres://root@127.0.0.1:${port}/${database}`,
    restart: () => pgCtl('-m', 'fast', '-o', options, 'restart'),
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        pgCtl('-m', 'immediate', 'stop');
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

/** A TCP port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
