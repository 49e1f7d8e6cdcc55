// The gateway's REST API: bearer token from sessionStorage, one error type carrying the
// server's own words, XHR uploads with progress, and Server-Sent Events read through fetch
// (EventSource cannot send an Authorization header).

const TOKEN_KEY = 'cgw.token';
const BASE = '/api/v1';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set(token) { sessionStorage.setItem(TOKEN_KEY, token); },
  clear() { sessionStorage.removeItem(TOKEN_KEY); },
};

/** An API failure: `message` is the server's message, `details` its details object. */
export class ApiError extends Error {
  constructor(status, payload, fallback) {
    const e = payload && typeof payload === 'object' && payload.error ? payload.error : null;
    super(e?.message || fallback || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = e?.code || null;
    this.details = e?.details || null;
    this.requestId = e?.requestId || null;
  }
}

/**
 * True when the gateway has no such endpoint (an older or partial gateway): a 404 from the
 * router ("no route for …") or from the static-file fallback ("no such file"), not a 404 about
 * a resource (those carry their own codes, e.g. package_not_found).
 */
export function isUnavailable(err) {
  if (!(err instanceof ApiError) || err.status !== 404) return false;
  return !err.code || (err.code === 'not_found' && /^(no route for |no such file$)/.test(err.message));
}

function authHeaders(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const t = session.token;
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

function parseBody(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

function signalUnauthorized(status) {
  if (status === 401) window.dispatchEvent(new CustomEvent('cgw:unauthorized'));
}

/** JSON request; resolves to the parsed body (null for 204), rejects with ApiError. */
export async function api(method, path, body) {
  return send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
}

/** A request whose body is text of `contentType` (a YAML deployment spec); answers like `api`. */
export async function send(method, path, text, contentType, signal) {
  const init = { method, headers: authHeaders(), credentials: 'omit', cache: 'no-store', signal };
  if (text !== undefined) {
    init.headers['Content-Type'] = contentType;
    init.body = text;
  }
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (e) {
    throw new ApiError(0, null, `the gateway did not answer (${e.message})`);
  }
  const payload = parseBody(await res.text());
  if (!res.ok) {
    signalUnauthorized(res.status);
    throw new ApiError(res.status, payload, typeof payload === 'string' ? payload.slice(0, 300) : null);
  }
  return res.status === 204 ? null : payload;
}

export const get = (path) => api('GET', path);

/** Path segment escaping for IDs such as `basic_1.0:abc…`. */
export const seg = (s) => encodeURIComponent(s);

/** Uploads a file as the raw request body; `onProgress(loaded, total)` as bytes go out. */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE + path);
    xhr.withCredentials = false;
    const headers = authHeaders({ 'Content-Type': 'application/gzip' });
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener('load', () => {
      const payload = parseBody(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) { resolve(payload); return; }
      signalUnauthorized(xhr.status);
      reject(new ApiError(xhr.status, payload, typeof payload === 'string' ? payload.slice(0, 300) : null));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, null, 'the upload was interrupted (network error)')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, null, 'the upload was cancelled')));
    xhr.send(file);
  });
}

/** Downloads an authenticated resource and hands it to the browser as a file. */
export async function download(path, fileName) {
  const res = await fetch(BASE + path, { headers: authHeaders({ Accept: '*/*' }), credentials: 'omit' });
  if (!res.ok) {
    signalUnauthorized(res.status);
    throw new ApiError(res.status, parseBody(await res.text()));
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Splits a Server-Sent Events byte stream into events (WHATWG "event stream interpretation"). */
export class SSEParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.reset();
    this.lastEventId = null;
  }
  reset() { this.event = ''; this.data = []; }
  feed(text) {
    this.buffer += text;
    let nl;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const crlf = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone trailing '\r' may be the first half of '\r\n': wait for more.
      if (crlf === 1 && this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + crlf);
      this.line(line);
    }
  }
  line(line) {
    if (line === '') {
      if (this.data.length) this.onEvent({ type: this.event || 'message', data: this.data.join('\n'), id: this.lastEventId });
      this.reset();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
  }
}

/**
 * Follows `/api/v1/events` until `signal` aborts, reconnecting with Last-Event-ID.
 * `onState` gets 'connecting' | 'open' | 'closed' | ApiError (e.g. 404: not available).
 */
export async function followEvents({ signal, onEvent, onState }) {
  let lastId = null;
  let delay = 1000;
  while (!signal.aborted) {
    onState('connecting');
    try {
      const headers = authHeaders({ Accept: 'text/event-stream' });
      if (lastId) headers['Last-Event-ID'] = lastId;
      const res = await fetch(`${BASE}/events`, { headers, signal, credentials: 'omit', cache: 'no-store' });
      if (!res.ok) {
        signalUnauthorized(res.status);
        const err = new ApiError(res.status, parseBody(await res.text()));
        onState(err);
        if (res.status === 404 || res.status === 401 || res.status === 403) return;
      } else {
        onState('open');
        delay = 1000;
        const parser = new SSEParser((ev) => { lastId = ev.id ?? lastId; onEvent(ev); });
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
        onState('closed');
      }
    } catch (e) {
      if (signal.aborted) return;
      onState(new ApiError(0, null, `event stream interrupted (${e.message})`));
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 15000);
  }
}
