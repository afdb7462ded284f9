import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { BadInputError } from '../../git/errors.js';
import type { StreamDecision } from '../../sources/cve/affected.js';
import {
  type CveAnnouncement,
  type NotAnAnnouncementError,
  parseAnnouncements,
} from '../../sources/cve/parse.js';
import type { CveRequestAction } from '../../sources/cve/plan-requests.js';
import type { InboxCursor } from '../../sources/cve/read-inbox.js';
import { readMboxFile, readMboxPaths } from '../../sources/cve/read-mbox.js';
import type { MessageOrigin, RawMessage } from '../../sources/mail/raw-message.js';
import type { Store } from '../../store/open.js';
import type { Tracker } from '../../trackers/types.js';
import type { AppliedCveAction, CveIntakeItem } from '../../workflows/cve-intake.js';
import type { CveTrackerHooks } from '../../workflows/cve-requests.js';
import { type CliIO, type Command, EXIT, type ParsedArgs, stringOpt, UsageError } from '../command.js';
import { storeOptions, workDirOf } from '../service-target.js';

const HELP = `Usage:
  ferry cve parse <file-or-dir>... [--json]
  ferry cve import (--inbox DIR | --mbox FILE) [--dry-run] [--config FILE] [--data DIR]
                   [--from-start] [--limit N] [--json]

Linux kernel CVE announcements (linux-cve-announce) turned into backport requests.

parse    Reads announcement e-mails from mbox files, or every *.mbox under a directory, and
         prints what each says: the CVE, the introduced/fixed pairs, the fix commits with the
         mainline fix marked, the affected files and the severity.
import   Reads new announcements (a public-inbox v2 archive, incrementally, or an mbox file),
         decides for every configured stream whether it is affected, routes the CVE to a
         component and assignee, and files one request per affected stream on the tracker
         named by cve.tracker (default: Ferry's built-in tracker, in its store). A request
         carries the labels <CVE id> and ferry-cve:<stream>, the stream's Fix Version, the
         mainline fix as its commit hashes, and the reason, routing and severity in its body.
         Importing the same mail again changes nothing; a later announcement updates only
         what Ferry's view changed (by comment); a REJECTED notice closes the CVE's open
         requests with a note and opens nothing. The inbox cursor is kept in the store and
         moves only after every action was carried out, so an interrupted import is
         completed by running it again.

Options:
  --json          parse: JSON Lines, one object per message:
                    {"cve", "rejected", "subject", "pairs": [{"introduced": {"version","commit"}|null,
                     "fixed": {"version","commit"}|null}], "fix_commits": [{"commit","version","main"}],
                     "main_fix", "files", "severity": {"cvss_version","score","rating","vector"}|null,
                     "references", "message_id", "description", "source": {"file","index"}}
                  import: one object {"dry_run","tracker","messages","errors","cursor","cves": [{"cve",
                    "subject","rejected","source","routing","decisions","actions": [{..., "key","url"}]}],
                    "created","updated","closed": [{"cve","stream","key","url"}]}
  --inbox DIR     a public-inbox v2 archive (default: cve.inbox in the configuration); only the
                  messages after the stored cursor are read
  --mbox FILE     an mbox file instead of an inbox (read whole)
  --dry-run       print the planned tracker actions, planned against the requests the tracker
                  holds already; write nothing (the cursor does not move, no store is made)
  --config FILE   ferry.yaml (default: ./ferry.yaml if present)
  --data DIR      the embedded store, as for ferry serve (default: $FERRY_DATA or .ferry); with
                  DATABASE_URL set, that PostgreSQL database instead. While a ferry serve owns
                  an embedded store, stop it first (or run both on PostgreSQL).
  --from-start    read the inbox from its first message, ignoring the cursor
  --limit N       read at most N new inbox messages

Errors for single messages (not a CVE announcement, an unreadable version line) go to
standard error, naming the message (file and position, or inbox epoch and commit); the other
messages are still processed.

Exit status: 0 every message was an announcement, 1 some message was not, 2 bad usage or input
(a bad configuration, an unknown cve.tracker), 3 failure (git, the file system, the store, the
tracker; nothing done is undone, and running again completes the work).

Examples:
  ferry cve parse ../shared/data/kernel-cves --json | head -1
  ferry cve import --inbox /srv/public-inbox/linux-cve-announce --dry-run --config ferry.yaml
  ferry cve import --mbox announcements.mbox --json
`;

interface JsonAnnouncement extends CveAnnouncement {
  source: { file: string; index: number; epoch?: number; commit?: string };
}

function sourceOf(o: MessageOrigin): JsonAnnouncement['source'] {
  const s: JsonAnnouncement['source'] = { file: o.source, index: o.index };
  if (o.commit !== undefined) {
    s.epoch = o.epoch ?? 0;
    s.commit = o.commit;
  }
  return s;
}

function asJson(a: CveAnnouncement, origin: MessageOrigin): JsonAnnouncement {
  return {
    cve: a.cve,
    rejected: a.rejected,
    subject: a.subject,
    pairs: a.pairs,
    fix_commits: a.fix_commits,
    main_fix: a.main_fix,
    files: a.files,
    severity: a.severity,
    references: a.references,
    message_id: a.message_id,
    description: a.description,
    source: sourceOf(origin),
  };
}

const short = (c: string) => c.slice(0, 12);

function describeAnnouncement(a: CveAnnouncement): string {
  if (a.rejected) return `${a.cve}  REJECTED  ${a.subject}\n`;
  const lines = [`${a.cve}  ${a.subject}`];
  const main = a.fix_commits.find((f) => f.main);
  if (a.severity)
    lines.push(`  severity   ${a.severity.rating} ${a.severity.score} (${a.severity.vector ?? 'no vector'})`);
  if (main) lines.push(`  main fix   ${short(main.commit)}${main.version ? ` (${main.version})` : ''}`);
  a.pairs.forEach((p, i) => {
    const intro = p.introduced ? `${p.introduced.version} ${short(p.introduced.commit)}` : 'since ever';
    const fixed = p.fixed ? `${p.fixed.version} ${short(p.fixed.commit)}` : 'not fixed';
    lines.push(`  ${i === 0 ? 'pairs     ' : '          '} ${intro} → ${fixed}`);
  });
  a.files.forEach((f, i) => {
    lines.push(`  ${i === 0 ? 'files     ' : '          '} ${f}`);
  });
  return `${lines.join('\n')}\n`;
}

function reportErrors(errors: readonly NotAnAnnouncementError[], total: number, io: CliIO): void {
  for (const e of errors) io.err(`ferry cve: ${e.message}\n`);
  if (errors.length) io.err(`ferry cve: ${errors.length} of ${total} messages are not CVE announcements\n`);
}

/** Names files as the user did: relative to the working directory when given relative. */
function asGiven(messages: RawMessage[], cwd: string, given: string): RawMessage[] {
  if (!path.isAbsolute(given))
    for (const m of messages) m.origin.source = path.relative(cwd, m.origin.source);
  return messages;
}

async function runParse(args: ParsedArgs, io: CliIO): Promise<number> {
  const paths = args.positionals.slice(1);
  if (paths.length === 0)
    throw new UsageError("'parse' needs at least one mbox file or directory; see 'ferry cve --help'");
  for (const opt of ['inbox', 'mbox', 'dry-run', 'config', 'data', 'from-start', 'limit'])
    if (args.values[opt] !== undefined)
      throw new UsageError(`--${opt} is an option of 'ferry cve import', not of 'ferry cve parse'`);
  const messages: RawMessage[] = [];
  for (const p of paths) {
    const abs = path.resolve(io.cwd, p);
    if (!(await stat(abs).catch(() => null)))
      throw new BadInputError(
        p,
        `'${p}' does not exist; expected an mbox file or a directory of .mbox files`,
      );
    messages.push(...asGiven(await readMboxPaths([abs]), io.cwd, p));
  }
  const batch = parseAnnouncements(messages);
  for (const { announcement, origin } of batch.announcements)
    io.out(
      args.values.json
        ? `${JSON.stringify(asJson(announcement, origin))}\n`
        : describeAnnouncement(announcement),
    );
  reportErrors(batch.errors, messages.length, io);
  return batch.errors.length ? EXIT.negative : EXIT.ok;
}

function describeDecision(d: StreamDecision): string {
  return `  ${d.stream.padEnd(14)} ${d.verdict.padEnd(13)} ${d.reason}`;
}

function describeAction(a: CveRequestAction, applied?: AppliedCveAction): string {
  const verb = (planned: string, done: string) => (applied ? done : planned).padEnd(8);
  if (a.kind === 'create')
    return `  ${verb('create', 'created')}${applied ? `${applied.key} ` : ''}[${a.stream}] ${a.fields.title}\n          hashes ${a.fields.commit_hashes.map(short).join(' ') || '-'}; component ${a.fields.component ?? '-'}; assignee ${a.fields.assignee ?? '-'}; severity ${a.fields.severity?.rating ?? '-'}`;
  if (a.kind === 'update')
    return `  ${verb('update', 'updated')}${a.id} [${a.stream}] ${Object.entries(a.changes)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ')}`;
  return `  ${verb('close', 'closed')}${a.id} [${a.stream}] ${a.comment}`;
}

function describeItem(item: CveIntakeItem): string {
  const a = item.announcement;
  const lines = [`${a.cve}${a.rejected ? '  REJECTED' : ''}  ${a.subject}`];
  if (!a.rejected) {
    lines.push(`  routing: ${item.routing.reason}`);
    for (const d of item.decisions) lines.push(describeDecision(d));
  }
  lines.push(
    ...(item.actions.length
      ? item.actions.map((x, i) => describeAction(x, item.applied[i]))
      : ['  no tracker changes']),
  );
  return `${lines.join('\n')}\n`;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--${name} expects a positive whole number, not '${value}'`);
  return Number(value);
}

/** The store ferry cve import reads and writes; null for a dry run when none was made yet. */
async function openImportStore(io: CliIO, args: ParsedArgs, dryRun: boolean): Promise<Store | null> {
  const { embeddedStoreExists, openStore } = await import('../../store/open.js');
  const { StoreLockedError } = await import('../../store/lock-file.js');
  const opts = storeOptions(io, args);
  if (dryRun && opts.dataDir && !embeddedStoreExists(opts.dataDir)) return null;
  try {
    return await openStore(opts);
  } catch (e) {
    if (!(e instanceof StoreLockedError)) throw e;
    const serving = e.owner.port ? ` (ferry serve on http://127.0.0.1:${e.owner.port}/)` : '';
    throw new StoreBusyError(
      `${e.input} is in use by ferry process ${e.owner.pid}${serving}; ferry cve import reads and writes the store itself: stop that process and run it again, or run both on PostgreSQL (DATABASE_URL)`,
    );
  }
}

class StoreBusyError extends Error {
  override name = 'StoreBusyError';
  readonly exitCode = EXIT.failure;
}

interface ActionReport {
  cve: string;
  stream: string;
  key: string;
  url: string | null;
}

async function runImport(args: ParsedArgs, io: CliIO): Promise<number> {
  if (args.positionals.length > 1)
    throw new UsageError(
      `unexpected argument '${args.positionals[1]}'; ferry cve import reads --inbox or --mbox`,
    );
  const dryRun = Boolean(args.values['dry-run']);
  const configArg = stringOpt(args.values.config);
  const loaded = loadConfig(configArg ?? 'ferry.yaml', {
    optional: configArg === undefined,
    cwd: io.cwd,
  });
  const config = loaded.config;
  const fromConfig = (p: string) => path.resolve(loaded.dir, p);
  const mbox = stringOpt(args.values.mbox);
  const inboxArg = stringOpt(args.values.inbox);
  if (mbox && inboxArg) throw new UsageError('give --inbox or --mbox, not both');
  const inbox = inboxArg
    ? path.resolve(io.cwd, inboxArg)
    : mbox
      ? undefined
      : config.cve.inbox
        ? fromConfig(config.cve.inbox)
        : undefined;
  if (!mbox && !inbox)
    throw new UsageError(
      'ferry cve import needs --inbox DIR or --mbox FILE (or cve.inbox in the configuration)',
    );
  if (mbox && (args.values['from-start'] || args.values.limit !== undefined))
    throw new UsageError('--from-start and --limit apply to --inbox only');
  const limit = positiveInt(stringOpt(args.values.limit), 'limit');
  const intake = await import('../../workflows/cve-intake.js');
  // The streams are checked (the tracker name was, with the schema) before anything is read or written.
  intake.cveStreams(config);

  const base = await intake.configuredIntake(config, loaded.dir, (key, why) =>
    io.err(
      `ferry cve import: no ladder for streams in repository '${key}' (${why}); deciding by versions only\n`,
    ),
  );

  // An mbox is read before the store is opened: a missing file costs no database connection.
  let messages: RawMessage[] = mbox
    ? asGiven(await readMboxFile(path.resolve(io.cwd, mbox)), io.cwd, mbox)
    : [];
  const store = await openImportStore(io, args, dryRun);
  try {
    let tracker: Tracker | undefined;
    let hooks: CveTrackerHooks | undefined;
    if (store) {
      const rt = await import('../../workflows/runtime.js');
      const { cveRequestsOn } = await import('../../workflows/cve-requests.js');
      rt.configureWorkflows({ config, env: io.env, dataDir: workDirOf(io, args) });
      tracker = rt.trackerNamed(config.cve.tracker, store);
      hooks = cveRequestsOn(tracker, store.db, config);
    } else
      io.progress(
        `no store in ${storeOptions(io, args).dataDir} yet: the dry run plans as if the tracker held no requests for these CVEs`,
      );

    let done = 0;
    const apply =
      dryRun || !hooks
        ? undefined
        : async (a: CveRequestAction) => {
            const r = await hooks.apply(a);
            done++;
            return r;
          };
    const options = {
      ...base,
      ...(hooks ? { existingRequests: hooks.existingRequests } : {}),
      ...(apply ? { apply } : {}),
    };
    let cursor: InboxCursor | null = null;
    let result: Awaited<ReturnType<typeof intake.runCveIntake>>;
    try {
      if (inbox) {
        const run = await intake.runInboxIntake({
          inbox,
          ...(store ? { db: store.db } : {}),
          fromStart: Boolean(args.values['from-start']),
          limit,
          // Only a run that carried its actions out may move the cursor; a dry run leaves it.
          save: !dryRun,
          onRewritten: (epochs) =>
            io.err(
              `ferry cve import: epochs ${epochs.join(', ')} of ${inbox} were rewritten; read again from their start\n`,
            ),
          intake: options,
        });
        ({ messages, cursor, result } = run);
      } else result = await intake.runCveIntake({ ...options, messages });
    } catch (e) {
      if (apply)
        io.err(
          `ferry cve import: stopped after ${done} tracker action${done === 1 ? '' : 's'}; ${inbox ? 'the inbox cursor did not move, so ' : ''}running the same import again completes the work (what is done already is not done twice)\n`,
        );
      throw e;
    }

    const report: Record<'created' | 'updated' | 'closed', ActionReport[]> = {
      created: [],
      updated: [],
      closed: [],
    };
    for (const item of result.items)
      item.actions.forEach((a, i) => {
        const applied = item.applied[i];
        if (!applied) return;
        const kind = a.kind === 'create' ? 'created' : a.kind === 'update' ? 'updated' : 'closed';
        report[kind].push({ cve: a.cve, stream: a.stream, key: applied.key, url: applied.url });
      });
    if (args.values.json)
      io.out(
        `${JSON.stringify({
          dry_run: dryRun,
          tracker: tracker?.name ?? null,
          messages: messages.length,
          errors: result.errors.map((e) => ({ source: sourceOf(e.origin), message: e.message })),
          cursor,
          cves: result.items.map((i) => ({
            cve: i.announcement.cve,
            subject: i.announcement.subject,
            rejected: i.announcement.rejected,
            source: sourceOf(i.origin),
            routing: {
              component: i.routing.component,
              assignee: i.routing.assignee,
              reason: i.routing.reason,
            },
            decisions: i.decisions,
            actions: i.actions.map((a, n) => ({
              ...a,
              key: i.applied[n]?.key ?? (a.kind === 'create' ? null : a.id),
              url: i.applied[n]?.url ?? null,
            })),
          })),
          ...report,
        })}\n`,
      );
    else {
      for (const item of result.items) io.out(describeItem(item));
      const n = result.items.reduce((s, i) => s + i.actions.length, 0);
      io.out(
        dryRun
          ? `${messages.length} messages, ${result.items.length} announcements, ${n} planned tracker actions (dry run: nothing written)\n`
          : `${messages.length} messages, ${result.items.length} announcements; tracker '${tracker!.name}': ${report.created.length} created, ${report.updated.length} updated, ${report.closed.length} closed\n`,
      );
    }
    reportErrors(result.errors, messages.length, io);
    return result.errors.length ? EXIT.negative : EXIT.ok;
  } finally {
    await store?.close();
  }
}

const command: Command = {
  name: 'cve',
  summary: 'parse kernel CVE announcements; plan requests for affected streams',
  help: HELP,
  allowPositionals: true,
  options: {
    json: { type: 'boolean' },
    inbox: { type: 'string' },
    mbox: { type: 'string' },
    'dry-run': { type: 'boolean' },
    config: { type: 'string' },
    data: { type: 'string' },
    'from-start': { type: 'boolean' },
    limit: { type: 'string' },
  },
  async run(args, io) {
    const sub = args.positionals[0];
    if (sub === 'parse') return runParse(args, io);
    if (sub === 'import') return runImport(args, io);
    throw new UsageError(
      sub === undefined
        ? "a subcommand is needed: 'ferry cve parse' or 'ferry cve import'; see 'ferry cve --help'"
        : `unknown subcommand 'ferry cve ${sub}'; expected parse or import`,
    );
  },
};
export default command;
