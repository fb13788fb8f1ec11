// The Jupyter wire protocol (messaging spec 5.3): framing and HMAC signing of messages.
import { createHmac, randomUUID } from 'crypto';

const DELIM = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message {
  identities: Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: any;
  buffers: Buffer[];
}

export class Signer {
  constructor(private readonly key: string, private readonly scheme = 'hmac-sha256') {
    if (scheme !== 'hmac-sha256' && key !== '') {
      throw new Error(`signature_scheme '${scheme}' is not supported (only hmac-sha256)`);
    }
  }

  sign(parts: (string | Buffer)[]): string {
    if (this.key === '') return '';
    const h = createHmac('sha256', this.key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }
}

/** Parses [ids..., DELIM, hmac, header, parent, metadata, content, buffers...]; throws on a bad signature. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const delim = frames.findIndex((f) => f.toString() === DELIM);
  if (delim < 0) throw new Error('message without <IDS|MSG> delimiter');
  const signature = frames[delim + 1].toString();
  const parts = frames.slice(delim + 2, delim + 6);
  if (parts.length < 4) throw new Error('message with fewer than four parts');
  const expected = signer.sign(parts);
  if (expected !== signature) throw new Error('message with an invalid signature');
  return {
    identities: frames.slice(0, delim),
    header: JSON.parse(parts[0].toString()),
    parent_header: JSON.parse(parts[1].toString()),
    metadata: JSON.parse(parts[2].toString()),
    content: JSON.parse(parts[3].toString()),
    buffers: frames.slice(delim + 6),
  };
}

export function encode(msg: Message, signer: Signer): (string | Buffer)[] {
  const parts = [
    JSON.stringify(msg.header),
    JSON.stringify(msg.parent_header),
    JSON.stringify(msg.metadata),
    JSON.stringify(msg.content),
  ];
  return [...msg.identities, DELIM, signer.sign(parts), ...parts, ...msg.buffers];
}

/** A new message in reply to (or caused by) `parent`, with a fresh msg_id. */
export function child(parent: Message, msgType: string, content: unknown, identities = parent.identities): Message {
  return {
    identities,
    header: {
      msg_id: randomUUID(),
      session: parent.header.session,
      username: parent.header.username,
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent.header,
    metadata: {},
    content,
    buffers: [],
  };
}
