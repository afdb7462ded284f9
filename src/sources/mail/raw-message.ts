/** A message as a reader found it: its bytes and where it came from, so errors can name it. */
export interface RawMessage {
  raw: Buffer;
  origin: MessageOrigin;
}

export interface MessageOrigin {
  /** The mbox file, or the public-inbox directory. */
  source: string;
  /** 0-based position of the message within `source` (within the read, for an inbox). */
  index: number;
  /** public-inbox only: the epoch (`git/<epoch>.git`) and the commit that added the message. */
  epoch?: number;
  commit?: string;
}

/** How a person finds the message again: `file.mbox message 3`, `inbox epoch 0 commit 1a2b3c4d5e6f`. */
export function describeOrigin(o: MessageOrigin): string {
  if (o.commit !== undefined) return `${o.source} epoch ${o.epoch ?? 0} commit ${o.commit.slice(0, 12)}`;
  return `${o.source} message ${o.index + 1}`;
}
