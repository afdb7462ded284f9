/**
 * Splitting an mbox file into messages. A message starts at a From_ line: `From `, a sender,
 * then a ctime-style date (`From bippy-1.2.0 Mon Sep 17 00:00:00 2001`,
 * `From mboxrd@z Thu Jan  1 00:00:00 1970`). Requiring the date matters: announcement bodies
 * contain unescaped lines such as "From the user's perspective, ..." that a looser rule would
 * cut in two. Quoted `>From ` lines (mboxo and mboxrd) lose one `>`.
 */

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
export const FROM_LINE = new RegExp(`^From \\S+ +${DAY},? +${MONTH} +\\d{1,2} +\\d{1,2}:\\d{2}(?::\\d{2})? `);

const LF = 0x0a;

/**
 * The messages of an mbox, as byte ranges of `data` with the From_ line removed and `>From `
 * unescaped. Text before the first From_ line is a message of its own when it is not blank
 * (a file that holds one message without an envelope).
 */
export function splitMbox(data: Uint8Array): Buffer[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const starts: number[] = [];
  const bodies: number[] = [];
  let pos = 0;
  let prevBlank = true;
  while (pos < buf.length) {
    let nl = buf.indexOf(LF, pos);
    if (nl === -1) nl = buf.length;
    // 'F' 'r' 'o' 'm' ' '
    if (
      prevBlank &&
      buf[pos] === 0x46 &&
      buf[pos + 4] === 0x20 &&
      buf.toString('latin1', pos, pos + 5) === 'From '
    ) {
      const line = buf.toString('latin1', pos, Math.min(nl, pos + 200));
      if (FROM_LINE.test(line)) {
        starts.push(pos);
        bodies.push(Math.min(nl + 1, buf.length));
      }
    }
    const lineEnd = nl > pos && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    prevBlank = lineEnd === pos;
    pos = nl + 1;
  }
  const messages: Buffer[] = [];
  const lead = starts.length ? buf.subarray(0, starts[0]) : buf;
  if (lead.toString('latin1').trim().length > 0) messages.push(unescapeFrom(lead));
  for (let i = 0; i < starts.length; i++) {
    const end = i + 1 < starts.length ? starts[i + 1]! : buf.length;
    messages.push(unescapeFrom(trimSeparator(buf.subarray(bodies[i]!, end))));
  }
  return messages;
}

/** The blank line before the next From_ line belongs to the mbox, not to the message. */
function trimSeparator(msg: Buffer): Buffer {
  if (msg.length >= 2 && msg[msg.length - 1] === LF && msg[msg.length - 2] === LF)
    return msg.subarray(0, msg.length - 1);
  if (msg.length >= 4 && msg.toString('latin1', msg.length - 4) === '\r\n\r\n')
    return msg.subarray(0, msg.length - 2);
  return msg;
}

function unescapeFrom(msg: Buffer): Buffer {
  if (msg.indexOf('>From ', 0, 'latin1') === -1) return msg;
  const text = msg.toString('latin1').replace(/^>(>*From )/gm, '$1');
  return Buffer.from(text, 'latin1');
}
