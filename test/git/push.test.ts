import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { BadInputError } from '../../src/git/errors.js';
import { deleteRemoteRef, PushRejectedError, pushCommit } from '../../src/git/push.js';
import { basicAuthHeader, readRemoteRef } from '../../src/git/remote.js';
import { Repo } from '../../src/git/repo.js';
import { GitError } from '../../src/git/run.js';
import { bareClone, createRepo, type FixtureRepo } from '../helpers/git-fixture.js';

/** An upstream with a line of commits and a side commit, its bare mirror, and an empty bare remote that logs every receive. */
async function setup() {
  const work = createRepo();
  const a = work.commit('a', { 'f.txt': 'a\n' });
  const b = work.commit('b', { 'f.txt': 'b\n' });
  work.checkout('side', { from: a });
  const side = work.commit('side', { 'g.txt': 'side\n' });
  const mirror = bareClone(work);
  const remote = createRepo({ bare: true });
  const log = path.join(remote.dir, 'receive.log');
  writeFileSync(log, '');
  const hook = path.join(remote.dir, 'hooks', 'pre-receive');
  writeFileSync(hook, `#!/bin/sh\ncat >> '${log}'\n`);
  chmodSync(hook, 0o755);
  return { a, b, side, repo: await Repo.open(mirror.dir), remote, log };
}

function receives(log: string): number {
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
}

function remoteHead(remote: FixtureRepo, ref: string): string | null {
  try {
    return remote.git(['rev-parse', '--verify', '--quiet', ref]);
  } catch {
    return null;
  }
}

test('push creates the ref, is a no-op when the remote already has the commit, then fast-forwards', async () => {
  const { a, b, repo, remote, log } = await setup();
  const ref = 'refs/heads/ferry/RHEL-1-9.6';
  const first = await pushCommit(repo, remote.dir, a, ref);
  assert.deepEqual(first, { ref, oid: a, previous: null, status: 'created' });
  assert.equal(remoteHead(remote, ref), a);
  assert.equal(receives(log), 1);

  const again = await pushCommit(repo, remote.dir, a, ref);
  assert.equal(again.status, 'up-to-date');
  assert.equal(receives(log), 1, 'no second receive on the remote');

  const ff = await pushCommit(repo, remote.dir, b, ref);
  assert.deepEqual(ff, { ref, oid: b, previous: a, status: 'fast-forward' });
  assert.equal(await readRemoteRef(repo, remote.dir, ref), b);
});

test('a non-fast-forward is refused without force, and a lease that no longer holds is refused', async () => {
  const { a, b, side, repo, remote } = await setup();
  const ref = 'refs/heads/bot';
  await pushCommit(repo, remote.dir, b, ref);
  await assert.rejects(pushCommit(repo, remote.dir, side, ref), (e: unknown) => {
    assert.ok(e instanceof PushRejectedError);
    assert.match(e.reason, /non-fast-forward|fetch first/);
    assert.equal(e.remoteOid, b);
    return true;
  });
  await assert.rejects(pushCommit(repo, remote.dir, side, ref, { expectOld: a }), (e: unknown) => {
    assert.ok(e instanceof PushRejectedError);
    assert.match(e.reason, /stale info/);
    return true;
  });
  await assert.rejects(pushCommit(repo, remote.dir, side, ref, { expectOld: null }), PushRejectedError);
  assert.equal(remoteHead(remote, ref), b, 'the remote kept its value through every refusal');

  const replaced = await pushCommit(repo, remote.dir, side, ref, { expectOld: b });
  assert.deepEqual(replaced, { ref, oid: side, previous: b, status: 'forced' });
  const forced = await pushCommit(repo, remote.dir, a, ref, { force: true });
  assert.equal(forced.status, 'forced');
  assert.equal(remoteHead(remote, ref), a);
});

test('a retry after a crash that already pushed is a no-op even with the old lease', async () => {
  const { a, b, repo, remote, log } = await setup();
  const ref = 'refs/heads/bot';
  await pushCommit(repo, remote.dir, a, ref);
  // First run recorded expectOld=a, pushed b, then crashed before recording it.
  await pushCommit(repo, remote.dir, b, ref, { expectOld: a });
  const n = receives(log);
  const retry = await pushCommit(repo, remote.dir, b, ref, { expectOld: a });
  assert.equal(retry.status, 'up-to-date');
  assert.equal(receives(log), n);
});

test('deleteRemoteRef deletes only under a lease that holds', async () => {
  const { a, b, repo, remote } = await setup();
  const ref = 'refs/heads/bot';
  await pushCommit(repo, remote.dir, b, ref);
  await assert.rejects(deleteRemoteRef(repo, remote.dir, ref, a), PushRejectedError);
  assert.equal(remoteHead(remote, ref), b);
  assert.equal(await deleteRemoteRef(repo, remote.dir, ref, b), 'deleted');
  assert.equal(remoteHead(remote, ref), null);
  assert.equal(await deleteRemoteRef(repo, remote.dir, ref, b), 'absent');
});

test('remote addresses and refs are validated before git runs', async () => {
  const { a, repo, remote, log } = await setup();
  for (const bad of [
    'ext::sh -c touch% /tmp/pwned',
    '-oProxyCommand=touch /tmp/pwned',
    'https://user:s3cret@example.com/repo.git',
    'relative/path',
    'ftp://example.com/repo.git',
  ]) {
    await assert.rejects(pushCommit(repo, bad, a, 'refs/heads/x'), (e: unknown) => {
      assert.ok(e instanceof BadInputError, `${bad}: ${e}`);
      assert.ok(!e.message.includes('s3cret'), 'the password is not repeated');
      return true;
    });
  }
  for (const ref of [
    'heads/x',
    'refs/heads/x..y',
    'refs/heads/x y',
    'refs/heads/-x/../y',
    '--upload-pack=x',
  ]) {
    await assert.rejects(pushCommit(repo, remote.dir, a, ref), BadInputError, ref);
  }
  await assert.rejects(pushCommit(repo, remote.dir, 'abc123', 'refs/heads/x'), BadInputError);
  await assert.rejects(pushCommit(repo, remote.dir, '0'.repeat(40), 'refs/heads/x'), BadInputError);
  assert.equal(receives(log), 0);
});

test('an HTTP credential reaches the server as a header and never the argument list or the error', async () => {
  const { a, repo } = await setup();
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const token = 'ghs_secretToken123';
  try {
    await assert.rejects(
      pushCommit(repo, `http://127.0.0.1:${port}/o/r.git`, a, 'refs/heads/x', {
        auth: { httpHeader: basicAuthHeader('x-access-token', token) },
      }),
      (e: unknown) => {
        assert.ok(e instanceof GitError);
        assert.ok(!e.args.join(' ').includes(token), 'token not in argv');
        assert.ok(!e.args.join(' ').includes(Buffer.from(`x-access-token:${token}`).toString('base64')));
        assert.ok(!e.message.includes(token) && !e.stderr.includes(token));
        return true;
      },
    );
  } finally {
    server.close();
  }
  assert.ok(seen.length > 0);
  assert.equal(seen[0], `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`);
});
