import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './git-fixture.js';
import { KERNEL_CVES } from './shared-data.js';

/**
 * Real public-inbox v2 archives, made and fed by Debian's public-inbox tools. Tests that need
 * them skip with `PUBLIC_INBOX_SKIP` (which says how to install them) when the tools are absent.
 */

const DATA = KERNEL_CVES;
export const LIST = 'linux-cve-announce@vger.kernel.org';
const installed = spawnSync('public-inbox-init', ['--help'], { encoding: 'utf8' }).error === undefined;
export const PUBLIC_INBOX_SKIP: string | false = installed
  ? false
  : 'public-inbox is not installed; install it with `apt-get install public-inbox` to run this test';

export interface Inbox {
  dir: string;
  deliver(raw: string): void;
  purge(raw: string): void;
}

export function createInbox(): Inbox {
  const home = tempDir('ferry-pi-');
  const env = { ...process.env, HOME: home, PI_CONFIG: path.join(home, 'config'), ORIGINAL_RECIPIENT: LIST };
  const dir = path.join(home, 'inbox');
  execFileSync('public-inbox-init', ['-V2', 'cve', dir, 'http://example.invalid/cve', LIST], { env });
  execFileSync('git', ['config', '-f', env.PI_CONFIG, 'publicinboxmda.spamcheck', 'none'], { env });
  return {
    dir,
    deliver: (raw) => {
      execFileSync('public-inbox-mda', [], { env, input: raw });
    },
    purge: (raw) => {
      execFileSync('public-inbox-purge', [dir], { env, input: raw });
    },
  };
}

/**
 * A message as the list delivers it: the stored copies lost the Message-ID and Date the list
 * needs (public-inbox-mda refuses mail without them), so they are put back. `text` is an mbox
 * entry (its From_ line is dropped); a record of the data by id when `dir` is given.
 */
export function asDelivered(id: string, dir = 'published', text?: string): string {
  const mbox = text ?? readFileSync(path.join(DATA, dir, `${id}.mbox`), 'utf8');
  const body = mbox.slice(mbox.indexOf('\n') + 1);
  return body.replace(
    /^Subject: .*$/m,
    (s) =>
      `${s}\nMessage-ID: <2024-${id}-${text ? 'notice' : '0000'}@gregkh>\nDate: Mon, 1 Jan 2024 00:00:00 +0000`,
  );
}
