import { crc32 } from 'node:zlib';
import { Packr, Unpackr } from 'msgpackr';

/**
 * The framing of one batch in a segment file (little-endian):
 *
 * | bytes | field |
 * |---|---|
 * | 4 | payload length n |
 * | 4 | CRC-32 of the payload |
 * | n | payload: `u8 type (1)`, `u8 version`, `u16 source length`, `u32 event count`, `f64 first seq`, `u32 checkpoint length`, the source (UTF-8), the checkpoint (JSON), count × 8 bytes of key hashes, then the events in the version's encoding |
 *
 * The version byte is the events' encoding, per record (old segments stay readable):
 * - **1, JSON**: count × u32 event lengths, the events (each one's JSON, back to back).
 * - **2, MessagePack** (written since issue #18): the events as one MessagePack array, its objects as msgpackr
 *   records whose structures are defined inline, once per record (each record decodes on its own). Only events
 *   whose values read back as from JSON are stored (`checkJournalEvent` refuses the rest before the encoding).
 *
 * A record is the unit of atomicity: its events and its checkpoint are stored together or, when the record is torn
 * or damaged (its length runs past the file, its CRC does not match), not at all.
 */
export const RECORD_HEADER_BYTES = 8;
const FIXED_BYTES = 1 + 1 + 2 + 4 + 8 + 4;
export const BATCH_RECORD = 1;
export const JSON_EVENTS = 1;
export const PACKED_EVENTS = 2;
/** A record this large is damage, not data: a batch is at most a few hundred MiB (1,000 items of 1 MiB). */
export const MAX_RECORD_BYTES = 1 << 30;

export interface BatchHeader {
  /** The events' encoding: `JSON_EVENTS` or `PACKED_EVENTS`. */
  readonly format: number;
  readonly source: string;
  readonly count: number;
  readonly first: number;
  readonly checkpoint: string;
  /** Offset of the key hashes in the payload (count × 8 bytes). */
  readonly hashesAt: number;
  /** Offset of the events' lengths in the payload (count × 4 bytes; JSON only, else `eventsAt`). */
  readonly lengthsAt: number;
  /** Offset of the events in the payload: each one's JSON back to back, or their MessagePack array. */
  readonly eventsAt: number;
}

/** A reusable output buffer: records are encoded in place, once, and written from it. */
export class RecordWriter {
  #buffer: Buffer = Buffer.allocUnsafe(1 << 20);
  #scratch: Buffer = Buffer.allocUnsafe(1 << 20);
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
    let at = this.#head(JSON_EVENTS, source, checkpoint, hashes, count, count * 4);
    const lengthsAt = at;
    at += count * 4;
    this.eventsAt = at - RECORD_HEADER_BYTES;
    let buffer = this.#buffer;
    for (let n = 0; n < count; n += 1) {
      const json = serialize(events[n], n);
      // A UTF-16 unit is at most 3 bytes of UTF-8.
      if (at + json.length * 3 > buffer.length) buffer = this.#reserve(at, at + json.length * 3);
      const bytes = buffer.write(json, at, 'utf8');
      buffer.writeUInt32LE(bytes, lengthsAt + n * 4);
      sizes[n] = json.length;
      at += bytes;
    }
    return this.#seal(first, count, at);
  }

  /**
   * Encodes a batch record with its events as MessagePack (`PACKED_EVENTS`): one array, msgpackr records for its
   * objects. `sizes` receives each event's share of the encoded bytes (what the in-memory tail counts). The events
   * must have passed `checkJournalEvent` (JSON values only): MessagePack would keep what JSON refuses or changes.
   */
  encodePacked(source: string, first: number, checkpoint: string, hashes: Uint32Array, events: readonly unknown[], sizes: number[]): Buffer {
    const count = events.length;
    let at = this.#head(PACKED_EVENTS, source, checkpoint, hashes, count, 0);
    this.eventsAt = at - RECORD_HEADER_BYTES;
    if (count > 0) {
      // Into a buffer of ours: msgpackr's own starts small and is replaced as a batch outgrows it (2× the cost).
      packr.useBuffer(this.#scratch);
      const packed = packr.pack(events);
      if (packed.buffer !== this.#scratch.buffer) this.#scratch = Buffer.allocUnsafe(this.#scratch.length * 2);
      const buffer = this.#reserve(at, at + packed.length);
      packed.copy(buffer, at);
      at += packed.length;
      const share = Math.ceil(packed.length / count);
      for (let n = 0; n < count; n += 1) sizes[n] = share;
    }
    return this.#seal(first, count, at);
  }

  /** Writes the type, version, source, checkpoint and key hashes; returns where the events' part starts. */
  #head(version: number, source: string, checkpoint: string, hashes: Uint32Array, count: number, extra: number): number {
    const head = RECORD_HEADER_BYTES + FIXED_BYTES + Buffer.byteLength(source) + Buffer.byteLength(checkpoint) + count * 8 + extra;
    const buffer = this.#reserve(0, head + 4);
    let at = RECORD_HEADER_BYTES;
    buffer[at] = BATCH_RECORD;
    buffer[at + 1] = version;
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
    buffer.writeUInt16LE(sourceBytes, RECORD_HEADER_BYTES + 2);
    buffer.writeUInt32LE(checkpointBytes, RECORD_HEADER_BYTES + 16);
    return at;
  }

  /** Writes the count, first seq, length and CRC of the record that ends at `end`; returns it. */
  #seal(first: number, count: number, end: number): Buffer {
    const buffer = this.#buffer;
    buffer.writeUInt32LE(count, RECORD_HEADER_BYTES + 4);
    buffer.writeDoubleLE(first, RECORD_HEADER_BYTES + 8);
    buffer.writeUInt32LE(end - RECORD_HEADER_BYTES, 0);
    buffer.writeUInt32LE(crc32(buffer.subarray(RECORD_HEADER_BYTES, end)), 4);
    return buffer.subarray(0, end);
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

// Records (one structure per object shape, defined inline in each record) make the shared field names of a batch's
// events cost once per record, and encode and decode faster than JSON (issue #18). Integers beyond 32 bits are
// written as float64 (numbers stay numbers); `int64AsType: 'number'` reads any int64 back as a number too.
const packr = new Packr({ useRecords: true });
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });

/** The events of a `PACKED_EVENTS` batch payload; undefined when they do not decode as an array of `count` objects. */
export const unpackEvents = (payload: Buffer, header: Pick<BatchHeader, 'count' | 'eventsAt'>): unknown[] | undefined => {
  if (header.count === 0) return [];
  let events: unknown;
  try {
    events = unpackr.unpack(payload.subarray(header.eventsAt));
  } catch {
    return undefined;
  }
  return Array.isArray(events) && events.length === header.count ? events : undefined;
};

/** The events of a JSON batch payload, from `from` on, each as its JSON text (read with the payload's lengths). */
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
  const format = payload[1];
  if (payload.length < FIXED_BYTES || payload[0] !== BATCH_RECORD || (format !== JSON_EVENTS && format !== PACKED_EVENTS)) return undefined;
  const sourceBytes = payload.readUInt16LE(2);
  const count = payload.readUInt32LE(4);
  const first = payload.readDoubleLE(8);
  const checkpointBytes = payload.readUInt32LE(16);
  const sourceAt = FIXED_BYTES;
  const checkpointAt = sourceAt + sourceBytes;
  const hashesAt = checkpointAt + checkpointBytes;
  const lengthsAt = hashesAt + count * 8;
  const eventsAt = lengthsAt + (format === JSON_EVENTS ? count * 4 : 0);
  if (eventsAt > payload.length || !Number.isSafeInteger(first) || first < 0) return undefined;
  return {
    format,
    source: payload.toString('utf8', sourceAt, checkpointAt),
    count,
    first,
    checkpoint: payload.toString('utf8', checkpointAt, hashesAt),
    hashesAt,
    lengthsAt,
    eventsAt,
  };
};
