import { createHash } from 'node:crypto';

/**
 * Table Storage keys: PartitionKey/RowKey may not hold `/ \ # ?` nor control characters and are
 * limited to 1 KiB. Everything that builds a key goes through this file.
 *
 * Encoding: characters that are safe pass through unchanged (so keys stay readable and ids made of
 * safe characters keep their sort order); the rest become `~XX` (code unit < 0x100) or `~uXXXX`.
 * `~` itself is escaped, so decoding is exact. `%` and `'` are escaped too: `%` in a key breaks
 * point reads on some service versions (the URL path is decoded twice) and `'` needs OData quoting.
 */

const ESCAPE = '~';
/** Longest encoded key we emit, in UTF-8 bytes (the service allows 1 KiB; leave room for prefixes). */
export const MAX_KEY_BYTES = 900;
const HASHED_MARK = '~h';

function needsEscape(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2f || // /
    code === 0x5c || // \
    code === 0x23 || // #
    code === 0x3f || // ?
    code === 0x25 || // %
    code === 0x27 || // '
    code === 0x7e || // ~ (our escape)
    (code >= 0xd800 && code <= 0xdfff) // surrogates: escaped so a lone one cannot reach the wire
  );
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** Encodes any string into a valid, reversible Table Storage key (see decodeKey). */
export function encodeKey(value: string): string {
  if (value === '') return ESCAPE; // the service accepts '' but it is a trap in filters; `~` alone is ''
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i] + value[i + 1]; // a well-formed pair (emoji etc.) is valid as is
        i++;
        continue;
      }
    }
    if (!needsEscape(code)) out += value[i];
    else if (code < 0x100) out += ESCAPE + hex(code, 2);
    else out += `${ESCAPE}u${hex(code, 4)}`;
  }
  return out;
}

/** True for a key idKey hashed (an id too long for a key): only its row's own column names the id. */
export function isHashedKey(key: string): boolean {
  return key.startsWith(HASHED_MARK);
}

/** Reverses encodeKey; throws on a key that encodeKey could not have produced. */
export function decodeKey(key: string): string {
  if (key === ESCAPE) return '';
  if (isHashedKey(key)) throw new Error('A hashed key cannot be decoded: read the id from its column');
  let out = '';
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== ESCAPE) {
      out += key[i];
      continue;
    }
    const wide = key[i + 1] === 'u';
    const digits = wide ? key.slice(i + 2, i + 6) : key.slice(i + 1, i + 3);
    if (!/^[0-9A-F]+$/.test(digits) || digits.length !== (wide ? 4 : 2)) {
      throw new Error(`Malformed key escape at ${i} in ${JSON.stringify(key)}`);
    }
    out += String.fromCharCode(Number.parseInt(digits, 16));
    i += wide ? 5 : 2;
  }
  return out;
}

/**
 * A key for an id of any length: encodeKey, or when that is too long, a readable prefix plus a
 * SHA-256 of the id. Callers always keep the original id in a column, so the hash needs no decoding.
 */
export function idKey(id: string): string {
  const encoded = encodeKey(id);
  if (Buffer.byteLength(encoded, 'utf8') <= MAX_KEY_BYTES) return encoded;
  const digest = createHash('sha256').update(id, 'utf8').digest('hex');
  // 200 UTF-16 units of at most 3 UTF-8 bytes each, plus the mark and the digest: well under 1 KiB.
  let prefix = encoded.slice(0, 200);
  if (/[\uD800-\uDBFF]$/.test(prefix)) prefix = prefix.slice(0, -1);
  return `${HASHED_MARK}${digest}_${prefix}`;
}

/**
 * An id kept in a column of at most `maxChars` (and compared, not decoded): as it is, or when longer
 * (a forged one) as `h|` and its SHA-256.
 */
export function boundedId(id: string, maxChars: number): string {
  if (id.length <= maxChars) return id;
  return `h|${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/** The latest Date (ms); keys below subtract from it, so the result is never negative. */
const MAX_DATE_MS = 8_640_000_000_000_000;
/** A key that sorts newest first: 16 digits of (latest Date - epoch ms), for times from 1970 on. */
export function newestFirstKey(isoTimestamp: string): string {
  const ms = new Date(isoTimestamp).getTime();
  if (Number.isNaN(ms) || ms < 0) throw new Error(`Not a timestamp from 1970 on: ${isoTimestamp}`);
  return String(MAX_DATE_MS - ms).padStart(16, '0');
}
