import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pick } from '../../src/engine/pick.js';
import { createRepo, type FixtureRepo } from '../helpers/git-fixture.js';

const BOT = { name: 'Ferry Bot', email: 'bot@ferry.example' };

function lines(n: number, prefix = 'line'): string {
  return `${Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n')}\n`;
}

/** main and stable/1 share a base; main then gets fixes. */
function baseRepo(): { repo: FixtureRepo; base: string } {
  const repo = createRepo();
  const base = repo.commit('base', {
    'a.txt': lines(20),
    'b.txt': lines(10, 'b'),
    'dir/c.txt': lines(5, 'c'),
  });
  repo.git(['branch', 'stable/1']);
  return { repo, base };
}

function edit(content: string, from: string, to: string): string {
  assert.ok(content.includes(from), `fixture: '${from}' not found`);
  return content.replace(from, to);
}

describe('pick: clean', () => {
  test('a clean pick equals git cherry-pick -x: same tree, author kept, provenance line, branch made', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit(
      'Fix line 5\n\nLonger explanation.\n',
      { 'a.txt': edit(lines(20), 'line 5\n', 'line five\n') },
      {
        author: { name: 'Upstream Dev', email: 'dev@up.example' },
      },
    );
    const headBefore = repo.git(['rev-parse', 'HEAD']);
    const statusBefore = repo.git(['status', '--porcelain']);

    const r = await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT });
    const t = r.targets[0]!;
    assert.equal(t.status, 'picked');
    assert.equal(t.commits[0]!.status, 'picked');
    assert.equal(t.commits[0]!.via, 'merge');
    assert.equal(t.branch, `backport/stable/1/${fix.slice(0, 12)}`);
    assert.equal(repo.rev(t.branch!), t.head);

    // what git itself does on a work tree
    repo.checkout('human', { from: 'stable/1' });
    const human = repo.cherryPick(fix);
    assert.equal(repo.tree(t.head!), repo.tree(human));
    assert.equal(
      repo.git(['log', '-1', '--format=%an <%ae> %ad', t.head!]),
      repo.git(['log', '-1', '--format=%an <%ae> %ad', fix]),
    );
    assert.equal(repo.git(['log', '-1', '--format=%cn <%ce>', t.head!]), 'Ferry Bot <bot@ferry.example>');
    assert.equal(repo.message(t.head!), repo.message(human));
    assert.match(repo.message(t.head!), new RegExp(`\\(cherry picked from commit ${fix}\\)\n$`));
    // nothing of the user's checkout moved
    repo.checkout('main');
    assert.equal(repo.git(['rev-parse', 'HEAD']), headBefore);
    assert.equal(repo.git(['status', '--porcelain']), statusBefore);
  });

  test('--dry-run reports the head but moves no branch', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('fix', { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') });
    const refsBefore = repo.git(['for-each-ref']);
    const r = await pick({
      repo: repo.dir,
      commits: [fix],
      targets: ['stable/1'],
      dryRun: true,
      committer: BOT,
    });
    assert.equal(r.targets[0]!.status, 'picked');
    assert.match(r.targets[0]!.head!, /^[0-9a-f]{40}$/);
    assert.equal(r.targets[0]!.branch, null);
    assert.equal(repo.git(['for-each-ref']), refsBefore);
    assert.equal(repo.git(['cat-file', '-t', r.targets[0]!.head!]), 'commit');
  });

  test('a target given as a commit id is picked onto without creating or moving any branch', async () => {
    const { repo, base } = baseRepo();
    const fix = repo.commit('fix', { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') });
    const refsBefore = repo.git(['for-each-ref']);
    const r = await pick({ repo: repo.dir, commits: [fix], targets: [base], committer: BOT });
    assert.equal(r.targets[0]!.status, 'picked');
    assert.equal(r.targets[0]!.branch, null);
    assert.equal(repo.git(['for-each-ref']), refsBefore);
  });

  test('works on a bare mirror', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('fix', { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') });
    const { bareClone } = await import('../helpers/git-fixture.js');
    const mirror = bareClone(repo);
    const r = await pick({ repo: mirror.dir, commits: [fix], targets: ['stable/1'], committer: BOT });
    assert.equal(r.targets[0]!.status, 'picked');
    assert.equal(mirror.rev(`backport/stable/1/${fix.slice(0, 12)}`), r.targets[0]!.head);
  });

  test('commits Ferry writes itself are byte-identical to git commit-tree and pass fsck', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('Fix: ünïcode subject\n\nbody\n', {
      'a.txt': edit(lines(20), 'line 2\n', 'line two\n'),
    });
    const r = await pick({
      repo: repo.dir,
      commits: [fix],
      targets: ['stable/1'],
      committer: BOT,
      now: new Date(1_800_000_000_000),
    });
    const head = r.targets[0]!.head!;
    const raw = repo.git(['cat-file', 'commit', head]);
    const field = (name: string) => new RegExp(`^${name} (.*) <(.*)> (\\d+ [+-]\\d{4})$`, 'm').exec(raw)!;
    const [, an, ae, ad] = field('author');
    const [, cn, ce, cd] = field('committer');
    const again = repo.git(['commit-tree', repo.tree(head), '-p', repo.rev('stable/1'), '-F', '-'], {
      input: `${raw.slice(raw.indexOf('\n\n') + 2)}\n`, // the fixture's git() drops the last newline
      env: {
        GIT_AUTHOR_NAME: an!,
        GIT_AUTHOR_EMAIL: ae!,
        GIT_AUTHOR_DATE: `@${ad}`,
        GIT_COMMITTER_NAME: cn!,
        GIT_COMMITTER_EMAIL: ce!,
        GIT_COMMITTER_DATE: `@${cd}`,
      },
    });
    assert.equal(again, head);
    assert.equal(cd, '1800000000 +0000');
    assert.equal(`${an} <${ae}>`, 'Ada Author <ada@example.org>');
    repo.git(['fsck', '--strict', '--no-dangling']);
  });
});

describe('pick: present and empty', () => {
  test('a change that is already there is reported present (via the ladder), no empty commit', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('fix', { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') });
    repo.checkout('stable/1');
    const human = repo.cherryPick(fix);
    repo.checkout('main');
    const r = await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT });
    const t = r.targets[0]!;
    assert.equal(t.status, 'present');
    assert.equal(t.commits[0]!.via, 'provenance');
    assert.equal(t.commits[0]!.match, human);
    assert.equal(t.head, repo.rev('stable/1'));
    assert.equal(t.branch, null);
    assert.equal(repo.git(['branch', '--list', 'backport/*']), '');
  });

  test('an empty pick (the same change made independently) is present via empty', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('fix upstream', { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') });
    repo.checkout('stable/1');
    repo.commit(
      'same fix, written again on stable',
      { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') },
      {
        author: { name: 'Someone Else', email: 'else@example.org' },
      },
    );
    repo.git(['commit', '--amend', '-q', '-m', 'different words, same change\n\nextra']);
    repo.checkout('main');
    const r = await pick({
      repo: repo.dir,
      commits: [fix],
      targets: ['stable/1'],
      committer: BOT,
      checkPresent: false,
    });
    const t = r.targets[0]!;
    assert.equal(t.status, 'present');
    assert.equal(t.commits[0]!.via, 'empty');
    assert.equal(t.head, repo.rev('stable/1'));
  });
});

describe('pick: conflicts by kind', () => {
  test('content conflict: hunks with line ranges, prerequisites ranked, nothing written', async () => {
    const { repo } = baseRepo();
    const prep = repo.commit('refactor line 10', {
      'a.txt': edit(lines(20), 'line 10\n', 'line ten (refactored)\n'),
    });
    const fix = repo.commit('fix line 10', {
      'a.txt': edit(
        edit(lines(20), 'line 10\n', 'line ten (refactored)\n'),
        'line ten (refactored)\n',
        'line ten (fixed)\n',
      ),
    });
    repo.checkout('stable/1');
    repo.commit('stable-only change at line 10', {
      'a.txt': edit(lines(20), 'line 10\n', 'line 10 (stable)\n'),
    });
    repo.checkout('main');
    const refsBefore = repo.git(['for-each-ref']);
    const r = await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT });
    const t = r.targets[0]!;
    assert.equal(t.status, 'conflict');
    assert.equal(t.head, null);
    assert.equal(t.conflicts.length, 1);
    assert.equal(t.conflicts[0]!.path, 'a.txt');
    assert.equal(t.conflicts[0]!.kind, 'content');
    assert.deepEqual(t.conflicts[0]!.hunks, [
      { target: { start: 10, end: 10 }, incoming: { start: 10, end: 10 } },
    ]);
    assert.equal(t.prerequisites[0]?.commit, prep);
    assert.match(t.prerequisites[0]!.reason, /a\.txt:7-13/);
    assert.equal(repo.git(['for-each-ref']), refsBefore);
  });

  test('modify/delete: the fix changes a file the target deleted', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('fix c', { 'dir/c.txt': edit(lines(5, 'c'), 'c 2\n', 'c two\n') });
    repo.checkout('stable/1');
    repo.commit('drop c on stable', {}, { remove: ['dir/c.txt'] });
    repo.checkout('main');
    const t = (await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'conflict');
    assert.deepEqual(
      t.conflicts.map((c) => [c.path, c.kind]),
      [['dir/c.txt', 'modify/delete']],
    );
  });

  test('modify/delete with a prerequisite: the file only exists upstream since an earlier commit', async () => {
    const { repo } = baseRepo();
    const adds = repo.commit('add new module', { 'new.txt': lines(8, 'n') });
    const fix = repo.commit('fix new module', { 'new.txt': edit(lines(8, 'n'), 'n 4\n', 'n four\n') });
    const t = (await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'conflict');
    assert.equal(t.conflicts[0]!.kind, 'modify/delete');
    assert.equal(t.prerequisites[0]?.commit, adds);
    assert.match(t.prerequisites[0]!.reason, /added or renamed new\.txt/);
  });

  test('add/add: both sides added the same path with different content', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('add config', { 'conf.ini': '[a]\nx = 1\n' });
    repo.checkout('stable/1');
    repo.commit('add another config', { 'conf.ini': '[a]\nx = 2\n' });
    repo.checkout('main');
    const t = (await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'conflict');
    assert.deepEqual(
      t.conflicts.map((c) => [c.path, c.kind]),
      [['conf.ini', 'add/add']],
    );
    assert.equal(t.conflicts[0]!.hunks.length, 1);
  });

  test('rename/delete: upstream renamed (and changed) a file the target deleted', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit(
      'move c',
      { 'moved/c.txt': edit(lines(5, 'c'), 'c 1\n', 'c one\n') },
      { rename: [['dir/c.txt', 'moved/c.txt']] },
    );
    repo.checkout('stable/1');
    repo.commit('drop c on stable', {}, { remove: ['dir/c.txt'] });
    repo.checkout('main');
    const t = (
      await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT, fallback: false })
    ).targets[0]!;
    assert.equal(t.status, 'conflict');
    assert.ok(
      t.conflicts.some((c) => c.kind === 'rename/delete'),
      JSON.stringify(t.conflicts),
    );
  });

  test('file/directory: the fix adds a file where the target has a directory', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('add x', { x: 'file\n' });
    repo.checkout('stable/1');
    repo.commit('add x/y', { 'x/y': 'dir entry\n' });
    repo.checkout('main');
    const t = (await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'conflict');
    assert.ok(
      t.conflicts.some((c) => c.kind === 'file/directory'),
      JSON.stringify(t.conflicts),
    );
  });

  test('binary: both sides changed a binary file', async () => {
    const repo = createRepo();
    repo.commit('base', { 'img.bin': Buffer.from([0, 1, 2, 3]).toString('latin1') });
    repo.git(['branch', 'stable/1']);
    repo.write('img.bin', '\u0000upstream\u0000');
    const fix = repo.commit('new image', { 'img.bin': '\u0000upstream\u0000' });
    repo.checkout('stable/1');
    repo.commit('stable image', { 'img.bin': '\u0000stable\u0000' });
    repo.checkout('main');
    const t = (await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'conflict');
    assert.ok(
      t.conflicts.some((c) => c.kind === 'binary' || c.kind === 'content'),
      JSON.stringify(t.conflicts),
    );
  });
});

describe('pick: renames', () => {
  test('rename on the target side: the fix follows the file to its new name', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('fix a', { 'a.txt': edit(lines(20), 'line 15\n', 'line fifteen\n') });
    repo.checkout('stable/1');
    repo.commit('rename a on stable', {}, { rename: [['a.txt', 'renamed-a.txt']] });
    repo.checkout('main');
    const t = (await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'picked');
    assert.match(repo.show(t.head!, 'renamed-a.txt'), /line fifteen/);
    assert.throws(() => repo.show(t.head!, 'a.txt'));
  });

  test('rename on the source side: the fix renames and changes; the target gets both', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit(
      'rename b and fix it',
      { 'b2.txt': edit(lines(10, 'b'), 'b 9\n', 'b nine\n') },
      { rename: [['b.txt', 'b2.txt']] },
    );
    const t = (await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'picked');
    assert.match(repo.show(t.head!, 'b2.txt'), /b nine/);
    assert.throws(() => repo.show(t.head!, 'b.txt'));
  });
});

describe('pick: merge and root commits', () => {
  test('a merge commit is picked against its mainline parent (default 1, or --mainline 2)', async () => {
    const { repo } = baseRepo();
    repo.checkout('feature', { from: 'main' });
    repo.commit('feature work', { 'f.txt': 'feature\n' });
    repo.checkout('main');
    repo.commit('main work', { 'm.txt': 'main\n' });
    repo.git(['merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature']);
    const merge = repo.head();
    const one = (
      await pick({ repo: repo.dir, commits: [merge], targets: ['stable/1'], committer: BOT, dryRun: true })
    ).targets[0]!;
    assert.equal(one.status, 'picked');
    assert.equal(repo.show(one.head!, 'f.txt'), 'feature');
    assert.throws(() => repo.show(one.head!, 'm.txt'));
    const two = (
      await pick({
        repo: repo.dir,
        commits: [merge],
        targets: ['stable/1'],
        committer: BOT,
        dryRun: true,
        mainline: 2,
      })
    ).targets[0]!;
    assert.equal(two.status, 'picked');
    assert.equal(repo.show(two.head!, 'm.txt'), 'main');
    await assert.rejects(
      pick({
        repo: repo.dir,
        commits: [merge],
        targets: ['stable/1'],
        committer: BOT,
        dryRun: true,
        mainline: 3,
      }),
      (e: Error & { exitCode?: number }) => e.exitCode === 2 && /--mainline 3/.test(e.message),
    );
  });

  test('a root commit is picked as "add all its files"', async () => {
    const { repo } = baseRepo();
    repo.git(['checkout', '-q', '--orphan', 'other']);
    repo.git(['rm', '-rqf', '.']);
    const root = repo.commit('root of another history', { 'other.txt': 'from the root\n' });
    repo.checkout('main');
    const t = (await pick({ repo: repo.dir, commits: [root], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(t.status, 'picked');
    assert.equal(repo.show(t.head!, 'other.txt'), 'from the root');
    assert.equal(repo.show(t.head!, 'a.txt'), lines(20).trimEnd());
  });
});

describe('pick: series', () => {
  test('commit 2 needs commit 1: in order both apply; alone, 2 conflicts and deps names 1', async () => {
    const { repo } = baseRepo();
    const one = repo.commit('step 1', { 'a.txt': edit(lines(20), 'line 3\n', 'line three\n') });
    const two = repo.commit('step 2', {
      'a.txt': edit(edit(lines(20), 'line 3\n', 'line three\n'), 'line three\n', 'line 3 (final)\n'),
    });
    const both = (await pick({ repo: repo.dir, commits: [one, two], targets: ['stable/1'], committer: BOT }))
      .targets[0]!;
    assert.equal(both.status, 'picked');
    assert.deepEqual(
      both.commits.map((c) => c.status),
      ['picked', 'picked'],
    );
    assert.equal(repo.git(['rev-parse', `${both.head}^`]), both.commits[0]!.result);
    assert.match(repo.show(both.head!, 'a.txt'), /line 3 \(final\)/);

    const alone = (
      await pick({ repo: repo.dir, commits: [two], targets: ['stable/1'], committer: BOT, dryRun: true })
    ).targets[0]!;
    assert.equal(alone.status, 'conflict');
    assert.equal(alone.prerequisites[0]?.commit, one);

    const reversed = (
      await pick({ repo: repo.dir, commits: [two, one], targets: ['stable/1'], committer: BOT, dryRun: true })
    ).targets[0]!;
    assert.deepEqual(
      reversed.commits.map((c) => c.status),
      ['conflict', 'skipped'],
    );
  });

  test('targets are independent: one conflicts, the other is picked, exit status would be 1', async () => {
    const { repo } = baseRepo();
    repo.git(['branch', 'stable/2']);
    const fix = repo.commit('fix', { 'a.txt': edit(lines(20), 'line 1\n', 'line one\n') });
    repo.checkout('stable/2');
    repo.commit('conflicting', { 'a.txt': edit(lines(20), 'line 1\n', 'line uno\n') });
    repo.checkout('main');
    const r = await pick({
      repo: repo.dir,
      commits: [fix],
      targets: ['stable/1', 'stable/2'],
      committer: BOT,
    });
    assert.deepEqual(
      r.targets.map((t) => [t.target, t.status]),
      [
        ['stable/1', 'picked'],
        ['stable/2', 'conflict'],
      ],
    );
  });
});

describe('pick: cascade', () => {
  test('over three branches, newest first: each older target takes the newer result as its source', async () => {
    const repo = createRepo();
    repo.commit('v1', { 'app.py': lines(30, 'code') });
    repo.git(['branch', 'stable/1']);
    repo.commit('v2 refactor', { 'app.py': edit(lines(30, 'code'), 'code 20\n', 'code 20 (v2)\n') });
    repo.git(['branch', 'stable/2']);
    repo.commit('v3 refactor', {
      'app.py': edit(edit(lines(30, 'code'), 'code 20\n', 'code 20 (v2)\n'), 'code 12\n', 'code 12 (v3)\n'),
    });
    repo.git(['branch', 'stable/3']);
    // Upstream rewrites the context the fix touches, so the fix itself only fits stable/3.
    repo.commit('v4 rewrite', {
      'app.py': edit(
        edit(edit(lines(30, 'code'), 'code 20\n', 'code 20 (v2)\n'), 'code 12\n', 'code 12 (v3)\n'),
        'code 9\n',
        'code 9 (v4)\n',
      ),
    });
    const fix = repo.commit('fix 10', {
      'app.py': edit(
        edit(
          edit(edit(lines(30, 'code'), 'code 20\n', 'code 20 (v2)\n'), 'code 12\n', 'code 12 (v3)\n'),
          'code 9\n',
          'code 9 (v4)\n',
        ),
        'code 10\n',
        'code 10 fixed\n',
      ),
    });
    // stable/3 already has it (a human backport); stable/2 and stable/1 do not.
    repo.checkout('stable/3');
    repo.commit(`Fix 10 on stable/3\n\n(cherry picked from commit ${fix})\n`, {
      'app.py': edit(
        edit(edit(lines(30, 'code'), 'code 20\n', 'code 20 (v2)\n'), 'code 12\n', 'code 12 (v3)\n'),
        'code 10\n',
        'code 10 fixed\n',
      ),
    });
    const onThree = repo.head();
    repo.checkout('main');

    const plain = await pick({
      repo: repo.dir,
      commits: [fix],
      targets: ['stable/2'],
      committer: BOT,
      dryRun: true,
      fallback: false,
    });
    assert.equal(plain.targets[0]!.status, 'conflict', 'the fix alone must not fit stable/2 in this fixture');

    const r = await pick({
      repo: repo.dir,
      commits: [fix],
      targets: ['stable/3', 'stable/2', 'stable/1'],
      cascade: true,
      committer: BOT,
    });
    const [t3, t2, t1] = r.targets;
    assert.equal(t3!.status, 'present');
    assert.equal(t3!.commits[0]!.match, onThree);
    assert.equal(t2!.status, 'picked');
    assert.equal(t2!.source_used, 'cascade:stable/3');
    assert.equal(t2!.commits[0]!.source, onThree);
    assert.equal(t1!.status, 'picked');
    assert.equal(t1!.source_used, 'cascade:stable/2');
    assert.equal(t1!.commits[0]!.source, t2!.commits[0]!.result);
    // the chain of provenance reads like git's: both lines, upstream first
    const msg = repo.message(t1!.head!);
    assert.ok(
      msg.indexOf(`(cherry picked from commit ${fix})`) <
        msg.indexOf(`(cherry picked from commit ${t2!.commits[0]!.result})`),
    );
    assert.match(repo.show(t1!.head!, 'app.py'), /code 10 fixed/);
  });
});

describe('pick: whitespace and re-wrapped context', () => {
  test('a conflict that only comes from re-wrapped context is resolved, keeping the target layout', async () => {
    const repo = createRepo();
    const v1 = [
      'def f(ctx, pg):',
      '    for x in pgs:',
      '        if x:',
      '            sg = get_sg(',
      '                ctx, pg["id"])',
      '            use(sg)',
      '',
    ].join('\n');
    repo.commit('v1', { 'f.py': v1 });
    repo.git(['branch', 'stable/1']);
    const fixed = v1.replace(
      '            sg = get_sg(',
      '            if "id" not in pg:\n                continue\n            sg = get_sg(',
    );
    const fix = repo.commit('skip pgs without id', { 'f.py': fixed });
    repo.checkout('stable/1');
    const stable = v1.replace(
      '            sg = get_sg(\n                ctx, pg["id"])',
      '            sg = get_sg(ctx,\n                pg["id"])',
    );
    repo.commit('rewrap on stable', { 'f.py': stable });
    repo.checkout('main');

    const strict = await pick({
      repo: repo.dir,
      commits: [fix],
      targets: ['stable/1'],
      committer: BOT,
      fallback: false,
      dryRun: true,
    });
    assert.equal(strict.targets[0]!.status, 'conflict');
    const t = (
      await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT, dryRun: true })
    ).targets[0]!;
    assert.equal(t.status, 'picked');
    assert.equal(t.commits[0]!.via, 'whitespace');
    assert.equal(
      repo.show(t.head!, 'f.py'),
      stable
        .replace(
          '            sg = get_sg(ctx,',
          '            if "id" not in pg:\n                continue\n            sg = get_sg(ctx,',
        )
        .trimEnd(),
    );
    assert.match(
      repo.message(t.head!),
      /\[ferry: the context differed from upstream only in layout in f\.py/,
    );
  });

  test('never when indentation around the change differs: that would move Python code to another block', async () => {
    const repo = createRepo();
    const v1 = ['def f():', '    with lock:', '        a()', '        b()', ''].join('\n');
    repo.commit('v1', { 'f.py': v1 });
    repo.git(['branch', 'stable/1']);
    const fix = repo.commit('call c before b', {
      'f.py': v1.replace('        b()', '        c()\n        b()'),
    });
    repo.checkout('stable/1');
    repo.commit('no lock on stable', {
      'f.py': ['def f():', '    if True:', '      a()', '      b()', ''].join('\n'),
    });
    repo.checkout('main');
    const t = (
      await pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT, dryRun: true })
    ).targets[0]!;
    assert.equal(t.status, 'conflict');
  });
});

describe('pick: bad input writes nothing and says what is wrong', () => {
  for (const [label, mutate, re] of [
    [
      'unknown revision',
      (o: { commits: string[]; targets: string[] }) => (o.commits = ['deadbeefdeadbeef']),
      /commit 'deadbeefdeadbeef' is not a commit/,
    ],
    ['option look-alike commit', (o: { commits: string[] }) => (o.commits = ['--all']), /starts with '-'/],
    ['option look-alike target', (o: { targets: string[] }) => (o.targets = ['-rf']), /starts with '-'/],
    [
      'unknown target',
      (o: { targets: string[] }) => (o.targets = ['stable/nope']),
      /branch 'stable\/nope' is neither a branch nor a commit/,
    ],
  ] as const) {
    test(label, async () => {
      const { repo } = baseRepo();
      const fix = repo.commit('fix', { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') });
      const refsBefore = repo.git(['for-each-ref']);
      const o = { repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT };
      (mutate as (x: typeof o) => void)(o);
      await assert.rejects(
        pick(o),
        (e: Error & { exitCode?: number }) => e.exitCode === 2 && re.test(e.message),
      );
      assert.equal(repo.git(['for-each-ref']), refsBefore);
    });
  }

  test('an ambiguous short hash is named as ambiguous', async () => {
    const { repo } = baseRepo();
    // 3,000 commits in one fast-import: some 4-digit prefix is then all but surely shared.
    const stream = Array.from(
      { length: 3000 },
      (_, i) =>
        `commit refs/heads/many\ncommitter A <a@b> ${1_700_000_000 + i} +0000\ndata ${String(i).length}\n${i}\n`,
    ).join('');
    repo.git(['fast-import', '--quiet'], { input: stream });
    const seen = new Set<string>();
    let ambiguous: string | null = null;
    for (const c of repo.git(['rev-list', 'many']).split('\n')) {
      if (seen.has(c.slice(0, 4))) ambiguous = c.slice(0, 4);
      seen.add(c.slice(0, 4));
    }
    assert.ok(ambiguous, 'fixture: no shared prefix found');
    await assert.rejects(
      pick({ repo: repo.dir, commits: [ambiguous!], targets: ['stable/1'], committer: BOT }),
      (e: Error & { exitCode?: number }) => e.exitCode === 2 && /is ambiguous/.test(e.message),
    );
  });

  test('a branch name git refuses, or the checked-out branch, is refused before anything is written', async () => {
    const { repo } = baseRepo();
    const fix = repo.commit('fix', { 'b.txt': edit(lines(10, 'b'), 'b 3\n', 'b three\n') });
    const refsBefore = repo.git(['for-each-ref']);
    await assert.rejects(
      pick({
        repo: repo.dir,
        commits: [fix],
        targets: ['stable/1'],
        committer: BOT,
        branchName: 'bad..name/{short}',
      }),
      (e: Error & { exitCode?: number }) => e.exitCode === 2 && /not a valid git branch name/.test(e.message),
    );
    await assert.rejects(
      pick({ repo: repo.dir, commits: [fix], targets: ['stable/1'], committer: BOT, branchName: 'main' }),
      (e: Error & { exitCode?: number }) => e.exitCode === 2 && /checked out/.test(e.message),
    );
    assert.equal(repo.git(['for-each-ref']), refsBefore);
  });

  test('a directory that is not a git repository', async () => {
    const { tempDir } = await import('../helpers/git-fixture.js');
    await assert.rejects(
      pick({ repo: tempDir(), commits: ['HEAD'], targets: ['main'] }),
      (e: Error & { exitCode?: number }) => e.exitCode === 2 && /is not a git repository/.test(e.message),
    );
  });
});
