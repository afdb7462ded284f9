import type { StoredRequest } from '../../store/builtin-issues.js';
import type { RequestView } from '../../workflows/builtin-requests.js';
import { type Command, EXIT, stringList, stringOpt, UsageError } from '../command.js';
import { paint, table } from '../format.js';
import { CONTROL_HELP, CONTROL_OPTIONS, connectControl } from '../service-control.js';

const HELP = `Usage:
  ferry request add --fix-version <stream> --commit <sha>... [--title T] [--body B] [options]
  ferry request list [options]
  ferry request show <key> [options]

Requests in Ferry's built-in tracker: the whole issue-driven flow with no outside system.
'add' files a request (like an issue with a Fix Version and a commit hashes field) and
queues its backport; a running 'ferry serve' (or 'ferry worker') picks it up: a bot branch,
a draft MR, then a label and a comment on the request. 'show' prints the request with its
labels, links, comments and attempts.

Options:
  --fix-version V   the stream, by its Fix Version or name (add)
  --commit SHA      an upstream commit; repeat for a series, applied in the order given (add)
  --title T, --body B
${CONTROL_HELP}

JSON: add {"key","job"}; list {"requests":[...]}; show {"request":{...,"comments","attempts"}}
Exit status: 0 done, 2 bad usage or unknown request, 3 the service or store failed.

Example:
  ferry request add --fix-version 2.0 --commit 1a2b3c4d5e6f --title "CVE-2024-1234"
`;

const command: Command = {
  name: 'request',
  summary: 'file, list and show requests in the built-in tracker',
  help: HELP,
  allowPositionals: true,
  options: {
    ...CONTROL_OPTIONS,
    'fix-version': { type: 'string' },
    commit: { type: 'string', multiple: true },
    title: { type: 'string' },
    body: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(args, io) {
    const [verb, ...rest] = args.positionals;
    const json = Boolean(args.values.json);
    if (verb === 'add') {
      if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'; give commits with --commit`);
      const fixVersion = stringOpt(args.values['fix-version']);
      const commits = stringList(args.values.commit);
      if (!fixVersion) throw new UsageError('ferry request add needs --fix-version <stream>');
      if (commits.length === 0) throw new UsageError('ferry request add needs at least one --commit <sha>');
      const ctl = await connectControl(io, args);
      try {
        const filed = await ctl.fileRequest({
          fixVersion,
          commits,
          title: stringOpt(args.values.title),
          body: stringOpt(args.values.body),
        });
        if (json) io.out(`${JSON.stringify(filed)}\n`);
        else io.out(`filed ${filed.key}; backport job ${filed.job} queued (${ctl.via})\n`);
        return EXIT.ok;
      } finally {
        await ctl.close();
      }
    }
    if (verb === 'list') {
      const limitText = stringOpt(args.values.limit) ?? '100';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit '${limitText}' is not a positive whole number`);
      const ctl = await connectControl(io, args);
      try {
        const requests = await ctl.listRequests(limit);
        io.out(json ? `${JSON.stringify({ requests })}\n` : renderList(requests, io.isTTY));
        return EXIT.ok;
      } finally {
        await ctl.close();
      }
    }
    if (verb === 'show') {
      const key = rest[0];
      if (!key || rest.length > 1) throw new UsageError('usage: ferry request show <key>');
      const ctl = await connectControl(io, args);
      try {
        const request = await ctl.showRequest(key);
        io.out(json ? `${JSON.stringify({ request })}\n` : renderShow(request, io.isTTY));
        return EXIT.ok;
      } finally {
        await ctl.close();
      }
    }
    throw new UsageError(
      verb ? `unknown verb '${verb}'; use add, list or show` : 'usage: ferry request add|list|show',
    );
  },
};

function renderList(requests: StoredRequest[], tty: boolean): string {
  if (requests.length === 0) return "no requests yet; 'ferry request add' files one\n";
  const c = paint(tty);
  const rows = [['KEY', 'STATUS', 'FIX VERSION', 'LABELS', 'TITLE'].map((h) => c('bold', h))];
  for (const r of requests)
    rows.push([r.key, r.status, r.fixVersions.join(',') || '-', r.labels.join(',') || '-', r.title]);
  return table(rows);
}

export function renderShow(r: RequestView, tty: boolean): string {
  const c = paint(tty);
  const lines = [
    `${c('bold', r.key)}  ${r.title}`,
    `status: ${r.status}   fix version: ${r.fixVersions.join(', ') || '-'}   labels: ${r.labels.join(', ') || '-'}`,
    `commit hashes: ${r.commitHashLines.join(' ') || '-'}`,
  ];
  if (r.body.trim()) lines.push('', r.body.trimEnd());
  for (const l of r.links) lines.push(`linked: ${l.url}${l.title ? ` (${l.title})` : ''}`);
  for (const a of r.attempts)
    lines.push(
      `attempt ${a.id}: ${a.state}${a.botBranch ? `, branch ${a.botBranch}` : ''}${a.mrUrl ? `, ${a.mrUrl}` : ''}${a.reason ? ` — ${a.reason}` : ''}`,
    );
  for (const cm of r.comments)
    lines.push('', c('dim', `comment by ${cm.author ?? '?'} at ${cm.createdAt}:`), cm.body);
  return `${lines.join('\n')}\n`;
}

export default command;
