import { crc32 } from 'node:zlib';

/**
 * The framing of one batch in a segment file (little-endian):
 *
 * | bytes | field |
 * |---|---|
 * | 4 | payload length n |
 * | 4 | CRC-32 of the payload |
 * | n | payload: `u8 type (1)`, `u8 version (1)`, `u16 source length`, `u32 event count`, `f64 first seq`, `u32 checkpoint length`, the source (UTF-8), the checkpoint (JSON), count × 8 bytes of key hashes, the events (one JSON array) |
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
  /** Offset of the key hashes in the payload. */
  readonly hashesAt: number;
  /** Offset of the events' JSON in the payload. */
  readonly jsonAt: number;
}

/** A reusable output buffer: records are encoded in place, once, and written from it. */
export class RecordWriter {
  #buffer = Buffer.allocUnsafe(1 << 20);
  /** Where the events' JSON starts in the payload of the record encoded last. */
  jsonAt = 0;

  /**
   * Encodes a batch record; the returned view is valid until the next call. `hashes` holds count × (hi, lo).
   */
  encode(source: string, first: number, count: number, checkpoint: string, hashes: Uint32Array, json: string): Buffer {
    const head = RECORD_HEADER_BYTES + FIXED_BYTES + Buffer.byteLength(source) + Buffer.byteLength(checkpoint) + count * 8;
    for (;;) {
      const buffer = this.#buffer;
      if (head + json.length + 4 > buffer.length) {
        this.#grow(head + json.length * 3 + 4);
        continue;
      }
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
      this.jsonAt = at - RECORD_HEADER_BYTES;
      at += buffer.write(json, at, 'utf8');
      // Buffer#write stops short when the rest does not fit (a UTF-8 character is at most 4 bytes): grow and again.
      if (at > buffer.length - 4) {
        this.#grow(buffer.length * 2);
        continue;
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
  }

  #grow(bytes: number): void {
    let size = this.#buffer.length;
    while (size <= bytes) size *= 2;
    this.#buffer = Buffer.allocUnsafe(size);
  }
}

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
  const jsonAt = hashesAt + count * 8;
  if (jsonAt > payload.length || !Number.isSafeInteger(first) || first < 0) return undefined;
  return {
    source: payload.toString('utf8', sourceAt, checkpointAt),
    count,
    first,
    checkpoint: payload.toString('utf8', checkpointAt, hashesAt),
    hashesAt,
    jsonAt,
  };
};
