// A Server-Sent Events reader over fetch, so the API key travels in the Authorization header like on
// every other call (EventSource cannot set headers, and a key in the URL ends up in logs).
// It parses the text/event-stream format, resumes after a dropped connection from the position after
// the last event seen, and hands HTTP errors over with the server's {"error", "message"} body.

import { apiKey, errorFrom, query, ApiError } from './api.js';

const MAX_BACKOFF_MS = 10000;

/**
 * Subscribes to an SSE route. params.from is where to start ('end' or a position); after a dropped
 * connection it reconnects from the last event's id + 1. Callbacks:
 *  onOpen(), onEvent({id, data}), onNamed(name, data) for named events ('caught-up', 'shutdown', 'error'),
 *  onRetry(error, delayMs) when the connection dropped and will be retried,
 *  onFail(ApiError) when the server refused the subscription (no retry).
 * Returns {close()}.
 */
export function subscribe(path, params, handlers) {
  const ctl = new AbortController();
  let closed = false;
  let from = params.from;
  let backoff = 500;

  async function connectOnce() {
    const headers = { Accept: 'text/event-stream' };
    if (apiKey()) {
      headers.Authorization = 'Bearer ' + apiKey();
    }
    const res = await fetch(path + query({ ...params, from }), { headers, signal: ctl.signal, cache: 'no-store' });
    if (!res.ok) {
      throw Object.assign(await errorFrom(res), { fatal: true });
    }
    backoff = 500;
    handlers.onOpen?.();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { id: null, name: '', data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let nl;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (event.data.length > 0) {
            dispatch(event);
          }
          event = { id: null, name: '', data: [] };
          continue;
        }
        if (line.startsWith(':')) {
          continue; // a comment: heartbeat
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') {
          event.data.push(val);
        } else if (field === 'event') {
          event.name = val;
        } else if (field === 'id') {
          event.id = val;
        }
      }
    }
  }

  function dispatch(event) {
    const data = event.data.join('\n');
    if (event.name === '' || event.name === 'message') {
      if (event.id !== null && /^\d+$/.test(event.id)) {
        from = Number(event.id) + 1;
      }
      handlers.onEvent({ id: event.id, data });
    } else {
      handlers.onNamed?.(event.name, data);
    }
  }

  (async () => {
    while (!closed) {
      let failure;
      try {
        await connectOnce();
        failure = new ApiError(0, 'disconnected', 'The server ended the event stream', null);
      } catch (e) {
        if (closed || e.name === 'AbortError') {
          return;
        }
        if (e.fatal) {
          closed = true;
          handlers.onFail(e);
          return;
        }
        failure = e instanceof ApiError ? e : new ApiError(0, 'network_error', 'Lost the connection: ' + e.message, null);
      }
      if (closed) {
        return;
      }
      handlers.onRetry?.(failure, backoff);
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  })();

  return {
    close() {
      closed = true;
      ctl.abort();
    },
  };
}
