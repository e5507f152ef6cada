/**
 * A request body read as JSON, strictly: valid JSON with no name twice in one object. JSON.parse keeps
 * the last of two `"action"`s, another reader may keep the first; a body that says two things is
 * refused rather than read as one of them.
 */
export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * True when a Content-Type header names JSON: `application/json`, with or without parameters
 * (`; charset=utf-8`, as the Bot Connector sends it). A body sent as text, a form or with no type is
 * not read as JSON whatever it holds: the client meant something else, and is told so (415).
 */
export function isJsonContentType(header: string | null): boolean {
  return (header ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/** What a POST whose body is not declared JSON is told, with the status 415. */
export const NOT_JSON = 'Content-Type must be application/json';

/** What a POST whose body is larger than the endpoint reads is told, with the status 413. */
export const TOO_LARGE = 'request body too large';

/** Parses `text` as JSON; refuses malformed JSON and an object that names a key twice. */
export function parseJsonBody(text: string): JsonBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, message: `malformed JSON: ${error.message}` };
    throw error;
  }
  const twice = repeatedKey(text);
  if (twice !== null)
    return {
      ok: false,
      message: `malformed JSON: the key ${JSON.stringify(twice)} appears twice in one object`,
    };
  return { ok: true, value };
}

/**
 * The first key named twice in one object of `text`, which is valid JSON (JSON.parse read it), or
 * null. One pass: strings are skipped whole; a string is a key when it opens an object or follows a
 * comma inside one.
 */
function repeatedKey(text: string): string | null {
  /** One entry per open object (its keys so far) or array (null). */
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (keyNext && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      keyNext = false;
      i = end;
    } else if (c === '{') {
      open.push(new Set());
      keyNext = true;
    } else if (c === '[') {
      open.push(null);
      keyNext = false;
    } else if (c === '}' || c === ']') {
      open.pop();
      keyNext = false;
    } else if (c === ',') {
      keyNext = open[open.length - 1] instanceof Set;
    }
  }
  return null;
}
