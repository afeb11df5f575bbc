import { crc32 } from 'node:zlib';

/**
 * The framing of one batch in a segment file (little-endian):
 *
 * | bytes | field |
 * |---|---|
 * | 4 | payload length n |
 * | 4 | CRC-32 of the payload |
 * | n | payload: `u8 type (1)`, `u8 version (1)`, `u16 source length`, `u32 event count`, `f64 first seq`, `u32 checkpoint length`, the source (UTF-8), the checkpoint (JSON), count × 8 bytes of key hashes, count × u32 event lengths, the events (each one's JSON, back to back) |
 *
 * A record is the unit of atomicity: its events and its checkpoint are stored together or, when the record is torn
 * or damaged (its length runs past the file, its CRC does not match), not at all.
 */
export const RECORD_HEADER_BYTES = 8;
const FIXED_BYTES = 1 + 1 + 2 + 4 + 8 + 4;
export const BATCH_RECORD = 1;
const VERSION = 1;
/** A record this large is damage, not data: a batch is at most a few hundred MiB (1,000 items of 1 MiB). */
export const MAX_RECORD_BYTES = 1 << 30;

export interface BatchHeader {
  readonly source: string;
  readonly count: number;
  readonly first: number;
  readonly checkpoint: string;
  /** Offset of the key hashes in the payload (count × 8 bytes). */
  readonly hashesAt: number;
  /** Offset of the events' lengths in the payload (count × 4 bytes). */
  readonly lengthsAt: number;
  /** Offset of the events in the payload: each one's JSON, back to back. */
  readonly eventsAt: number;
}

/** A reusable output buffer: records are encoded in place, once, and written from it. */
export class RecordWriter {
  #buffer: Buffer = Buffer.allocUnsafe(1 << 20);
  /** Where the events start in the payload of the record encoded last. */
  eventsAt = 0;

  /**
   * Encodes a batch record; the returned view is valid until the next call. `hashes` holds events.length × (hi, lo).
   * Each event is serialised on its own (`serialize`, JSON.stringify or a check that throws): small strings that die
   * young, where one string of the whole batch (hundreds of KB) would land in V8's large-object space and live until
   * a full collection. `sizes` receives each event's serialised length.
   */
  encode(
    source: string,
    first: number,
    checkpoint: string,
    hashes: Uint32Array,
    events: readonly unknown[],
    serialize: (event: unknown, index: number) => string,
    sizes: number[],
  ): Buffer {
    const count = events.length;
    const head = RECORD_HEADER_BYTES + FIXED_BYTES + Buffer.byteLength(source) + Buffer.byteLength(checkpoint) + count * 12;
    this.#reserve(head, head + 4);
    let buffer = this.#buffer;
    let at = RECORD_HEADER_BYTES;
    buffer[at] = BATCH_RECORD;
    buffer[at + 1] = VERSION;
    at += FIXED_BYTES;
    const sourceBytes = buffer.write(source, at, 'utf8');
    at += sourceBytes;
    const checkpointBytes = buffer.write(checkpoint, at, 'utf8');
    at += checkpointBytes;
    for (let n = 0; n < count; n += 1) {
      buffer.writeUInt32LE(hashes[n * 2] as number, at);
      buffer.writeUInt32LE(hashes[n * 2 + 1] as number, at + 4);
      at += 8;
    }
    const lengthsAt = at;
    at += count * 4;
    this.eventsAt = at - RECORD_HEADER_BYTES;
    for (let n = 0; n < count; n += 1) {
      const json = serialize(events[n], n);
      // A UTF-16 unit is at most 3 bytes of UTF-8.
      if (at + json.length * 3 > buffer.length) buffer = this.#reserve(at, at + json.length * 3);
      const bytes = buffer.write(json, at, 'utf8');
      buffer.writeUInt32LE(bytes, lengthsAt + n * 4);
      sizes[n] = json.length;
      at += bytes;
    }
    const payload = RECORD_HEADER_BYTES;
    buffer.writeUInt16LE(sourceBytes, payload + 2);
    buffer.writeUInt32LE(count, payload + 4);
    buffer.writeDoubleLE(first, payload + 8);
    buffer.writeUInt32LE(checkpointBytes, payload + 16);
    buffer.writeUInt32LE(at - RECORD_HEADER_BYTES, 0);
    buffer.writeUInt32LE(crc32(buffer.subarray(RECORD_HEADER_BYTES, at)), 4);
    return buffer.subarray(0, at);
  }

  /** Makes the buffer at least `bytes` long, keeping its first `keep` bytes. */
  #reserve(keep: number, bytes: number): Buffer {
    if (bytes <= this.#buffer.length) return this.#buffer;
    let size = this.#buffer.length;
    while (size < bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buffer.copy(next, 0, 0, keep);
    this.#buffer = next;
    return next;
  }
}

/** The events of a batch payload, from `from` on, each as its JSON text (read with the payload's lengths). */
export const eventTexts = (payload: Buffer, header: Pick<BatchHeader, 'count' | 'lengthsAt' | 'eventsAt'>, from: number): string[] => {
  let at = header.eventsAt;
  for (let n = 0; n < from; n += 1) at += payload.readUInt32LE(header.lengthsAt + n * 4);
  const texts: string[] = [];
  for (let n = from; n < header.count; n += 1) {
    const bytes = payload.readUInt32LE(header.lengthsAt + n * 4);
    texts.push(payload.toString('utf8', at, at + bytes));
    at += bytes;
  }
  return texts;
};

/** True when `payload` matches the CRC of its header. */
export const payloadIntact = (payload: Buffer, crc: number): boolean => crc32(payload) === crc;

/** The header of a batch payload whose CRC matched; undefined when it does not describe a batch of this version. */
export const readBatchHeader = (payload: Buffer): BatchHeader | undefined => {
  if (payload.length < FIXED_BYTES || payload[0] !== BATCH_RECORD || payload[1] !== VERSION) return undefined;
  const sourceBytes = payload.readUInt16LE(2);
  const count = payload.readUInt32LE(4);
  const first = payload.readDoubleLE(8);
  const checkpointBytes = payload.readUInt32LE(16);
  const sourceAt = FIXED_BYTES;
  const checkpointAt = sourceAt + sourceBytes;
  const hashesAt = checkpointAt + checkpointBytes;
  const lengthsAt = hashesAt + count * 8;
  const eventsAt = lengthsAt + count * 4;
  if (eventsAt > payload.length || !Number.isSafeInteger(first) || first < 0) return undefined;
  return {
    source: payload.toString('utf8', sourceAt, checkpointAt),
    count,
    first,
    checkpoint: payload.toString('utf8', checkpointAt, hashesAt),
    hashesAt,
    lengthsAt,
    eventsAt,
  };
};
