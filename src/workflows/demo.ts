import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { type FerryConfig, ferryConfig } from '../config/schema.js';
import type { Person } from '../git/commits.js';
import { importCommits } from '../git/fast-import.js';
import { ensureBareRepo, fetchRefs } from '../git/mirror.js';

/**
 * The scene `ferry demo` plays on: an upstream with two fixes, a downstream with two streams,
 * and the configuration that joins them (the built-in tracker, the plain git forge pushing
 * to the downstream). One fix applies to stream 2.0; the other conflicts on 1.0, where the
 * rework it builds on never arrived.
 */

export interface DemoSetup {
  dir: string;
  upstream: string;
  downstream: string;
  config: FerryConfig;
  configFile: string;
  /** The two requests to file, and how each should end. */
  requests: { stream: string; fix: string; expected: 'opened' | 'conflicted'; title: string }[];
}

const DAY = 86_400;

function lines(prefix: string, n: number, edit: Record<number, string> = {}): string {
  return `${Array.from({ length: n }, (_, i) => edit[i + 1] ?? `${prefix} line ${i + 1};`).join('\n')}\n`;
}

export async function buildDemo(o: {
  dir: string;
  progress: (line: string) => void;
  now?: Date;
}): Promise<DemoSetup> {
  const dir = path.resolve(o.dir);
  await mkdir(dir, { recursive: true });
  const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const at = (daysAgo: number): Person => ({
    name: 'Ada Upstream',
    email: 'ada@upstream.example',
    date: `${now - daysAgo * DAY} +0000`,
  });
  const downstreamDev: (d: number) => Person = (d) => ({
    name: 'Dee Downstream',
    email: 'dee@downstream.example',
    date: `${now - d * DAY} +0000`,
  });

  o.progress('building an upstream repository with two fixes');
  const upstreamDir = path.join(dir, 'upstream.git');
  const upstream = await ensureBareRepo(upstreamDir);
  const net = lines('net', 30);
  const fsOld = lines('fs', 30);
  const fsReworked = lines('fs', 30, {
    10: 'fs buffer = alloc(size);',
    11: 'fs copy(buffer, src, size);',
    12: 'fs free(buffer);',
  });
  const [, , rework, fixA, fixB] = await importCommits(upstream, [
    {
      ref: 'refs/heads/main',
      message: 'Initial import\n',
      author: at(300),
      files: { 'src/net.c': net, 'src/fs.c': fsOld, README: 'demo\n' },
    },
    {
      ref: 'refs/heads/main',
      from: ':1',
      message: 'net: add a receive timeout\n',
      author: at(200),
      files: { 'src/net.c': lines('net', 30, { 20: 'net timeout = 30;' }) },
    },
    {
      ref: 'refs/heads/main',
      from: ':2',
      message: 'fs: rework buffer handling\n\nOne allocation per copy instead of a static buffer.\n',
      author: at(120),
      files: { 'src/fs.c': fsReworked },
    },
    {
      ref: 'refs/heads/main',
      from: ':3',
      message: 'net: fix an off-by-one in the packet length\n\nCloses-Bug: #101\n',
      author: at(10),
      files: {
        'src/net.c': lines('net', 30, { 5: 'net length = header + payload;', 20: 'net timeout = 30;' }),
      },
    },
    {
      ref: 'refs/heads/main',
      from: ':4',
      message: 'fs: fix a buffer overflow on short copies\n\nCloses-Bug: #102\n',
      author: at(9),
      files: {
        'src/fs.c': lines('fs', 30, {
          10: 'fs buffer = alloc(size + 1);',
          11: 'fs copy(buffer, src, size);',
          12: 'fs free(buffer);',
        }),
      },
    },
  ]);

  o.progress('building a downstream repository with streams 2.0 and 1.0');
  const downstreamDir = path.join(dir, 'downstream.git');
  const downstream = await ensureBareRepo(downstreamDir);
  await fetchRefs(downstream, upstreamDir, ['refs/heads/main:refs/heads/upstream-main']);
  const fsOnTwo = lines('fs', 30, {
    10: 'fs buffer = alloc(size + 1);',
    11: 'fs copy(buffer, src, size);',
    12: 'fs free(buffer);',
  });
  await importCommits(downstream, [
    // stream 2.0 was cut after the rework; a person already backported fix B there.
    {
      ref: 'refs/heads/stable/2.0',
      from: rework!,
      message: 'Release 2.0\n',
      author: downstreamDev(60),
      files: { VERSION: '2.0\n' },
    },
    {
      ref: 'refs/heads/stable/2.0',
      from: ':1',
      message: `fs: fix a buffer overflow on short copies\n\nCloses-Bug: #102\n\n(cherry picked from commit ${fixB})\n`,
      author: at(9),
      committer: downstreamDev(8),
      files: { 'src/fs.c': fsOnTwo },
    },
    // stream 1.0 was cut before the rework, and carries a downstream change of its own.
    {
      ref: 'refs/heads/stable/1.0',
      from: `${rework}~2`,
      message: 'Release 1.0\n',
      author: downstreamDev(150),
      files: { VERSION: '1.0\n' },
    },
    {
      ref: 'refs/heads/stable/1.0',
      from: ':3',
      message: 'fs: downstream guard for the static buffer\n',
      author: downstreamDev(100),
      files: { 'src/fs.c': lines('fs', 30, { 11: 'fs if (size > BUF) return -EINVAL;' }) },
    },
  ]);
  await downstream.run(['update-ref', '-d', 'refs/heads/upstream-main']);

  const iso = (daysAgo: number) => new Date((now - daysAgo * DAY) * 1000).toISOString().slice(0, 10);
  const config: FerryConfig = ferryConfig.parse({
    repositories: {
      upstream: { url: upstreamDir, main_branch: 'main' },
      downstream: { url: downstreamDir },
    },
    streams: [
      { name: '2.0', branch: 'stable/2.0', release_date: iso(60), state: 'active' },
      { name: '1.0', branch: 'stable/1.0', release_date: iso(150), state: 'active' },
    ],
    forges: { local: { kind: 'git', remote: downstreamDir, repository: 'downstream' } },
  });
  const configFile = path.join(dir, 'ferry.yaml');
  await writeFile(
    configFile,
    `# What 'ferry demo' ran with (the built-in tracker needs no entry).\n${stringify(JSON.parse(JSON.stringify(config)))}`,
  );

  return {
    dir,
    upstream: upstreamDir,
    downstream: downstreamDir,
    config,
    configFile,
    requests: [
      { stream: '2.0', fix: fixA!, expected: 'opened', title: 'net: off-by-one in the packet length' },
      { stream: '1.0', fix: fixB!, expected: 'conflicted', title: 'fs: buffer overflow on short copies' },
    ],
  };
}
