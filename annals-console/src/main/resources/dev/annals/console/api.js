// The one place that talks HTTP to the Annals server (docs/http-api.md): bearer auth, query strings,
// and errors turned into ApiError with the server's {"error", "message"} — never swallowed.

const KEY_STORAGE = 'annals.apiKey';

/** The API key saved in this browser, or '' when none. */
export function apiKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) || '';
  } catch {
    return '';
  }
}

/** Saves the API key ('' forgets it). */
export function setApiKey(key) {
  if (key) {
    localStorage.setItem(KEY_STORAGE, key);
  } else {
    localStorage.removeItem(KEY_STORAGE);
  }
}

/** An HTTP failure: status 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** '?a=1&b=x' from an object, leaving out undefined, null and '' (the server rejects unknown or empty filters). */
export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      q.append(k, String(v));
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

function headers(withBody) {
  const h = { Accept: 'application/json' };
  const key = apiKey();
  if (key) {
    h.Authorization = 'Bearer ' + key;
  }
  if (withBody) {
    h['Content-Type'] = 'application/json';
  }
  return h;
}

/** Turns a non-2xx response into an ApiError carrying the server's error code and message. */
export async function errorFrom(res) {
  const text = await res.text().catch(() => '');
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (body && typeof body.error === 'string') {
    return new ApiError(res.status, body.error, body.message || '(no message)', body);
  }
  return new ApiError(res.status, 'http_' + res.status, (text || res.statusText || 'no body').slice(0, 500), null);
}

/** Sends a request; resolves to the parsed JSON body (null when empty), rejects with ApiError. */
export async function request(method, path, { params, body, signal } = {}) {
  let res;
  try {
    res = await fetch(path + query(params), {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, 'network_error', 'Cannot reach the server: ' + e.message, null);
  }
  if (!res.ok) {
    throw await errorFrom(res);
  }
  const text = await res.text();
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'bad_response', 'The server answered with something that is not JSON: ' + text.slice(0, 200), null);
  }
}

export const get = (path, params, signal) => request('GET', path, { params, signal });
export const post = (path, body, params) => request('POST', path, { params, body });

export const streamPath = (stream) => '/streams/' + encodeURIComponent(stream);
export const projectionPath = (name) => '/projections/' + encodeURIComponent(name);

/**
 * GET /audit's query parameters for the time range and for taking a page's "next" back (the server
 * names them since/until, and pages by position with from).
 */
export const AUDIT_PARAMS = { since: 'since', until: 'until', next: 'from' };
