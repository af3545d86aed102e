// What every view of the dashboard shares: the token, REST calls, the live event stream, messages, DOM building.
// Untrusted text (host names, reasons, event data) only ever becomes text nodes: nothing is parsed as HTML.

const TOKEN_KEY = 'fleetplane.dashboard.token';

/** The bearer token of this tab (sessionStorage: gone when the tab closes, never in a URL). */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** A refusal or failure of the API: the status and the server's own words. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Calls the planner's API with the token: `path` is absolute ('/api/v1/hosts'); `body` (an object) goes as JSON.
 * Resolves to the parsed JSON (or null for an empty answer); rejects with an ApiError carrying the server's error.
 */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  const t = token();
  if (t) {
    h.Authorization = 'Bearer ' + t;
  }
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'the planner did not answer (' + e.message + ')');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!response.ok) {
    const why = json && json.error ? json.error : (text || response.statusText);
    const details = json && Array.isArray(json.details) && json.details.length ? ': ' + json.details.join('; ') : '';
    if (response.status === 401) {
      unauthorized(why);
    }
    throw new ApiError(response.status, why + details);
  }
  return json;
}

let onUnauthorized = () => {};

/** What the app does when a call answers 401 (back to the login form). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

function unauthorized(why) {
  onUnauthorized(why);
}

/**
 * Follows a server-sent event stream with the token in the Authorization header (EventSource cannot send one):
 * `onEvent(name, data, id)` for each event, data parsed as JSON. Reconnects after a drop with the last id as
 * `Last-Event-ID`, waiting 1, 2, 4 … 15 s; `onState('open' | 'reconnecting' | 'closed', why)` tells the page.
 * Returns { close() }.
 */
export function stream(path, onEvent, onState = () => {}) {
  let lastId = null;
  let closed = false;
  let controller = null;
  let delay = 1000;

  async function run() {
    while (!closed) {
      controller = new AbortController();
      const h = { Accept: 'text/event-stream' };
      const t = token();
      if (t) {
        h.Authorization = 'Bearer ' + t;
      }
      if (lastId !== null) {
        h['Last-Event-ID'] = lastId;
      }
      try {
        const response = await fetch(path, { headers: h, signal: controller.signal, cache: 'no-store' });
        if (!response.ok) {
          let why = response.statusText;
          try {
            why = (await response.json()).error || why;
          } catch (e) {
            // not JSON: keep the status text
          }
          if (response.status === 401) {
            unauthorized(why);
          }
          if (response.status >= 400 && response.status < 500) {
            closed = true;
            onState('closed', why);
            return;
          }
          throw new Error(why);
        }
        onState('open');
        delay = 1000;
        await read(response.body, (name, data, id) => {
          if (id !== null) {
            lastId = id;
          }
          onEvent(name, data, id);
        });
      } catch (e) {
        if (closed) {
          return;
        }
        onState('reconnecting', e.message);
      }
      if (!closed) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 15000);
      }
    }
  }

  run();
  return {
    close() {
      closed = true;
      if (controller) {
        controller.abort();
      }
      onState('closed');
    },
  };
}

// The text/event-stream format: fields until a blank line; 'data' lines joined by '\n'; ':' lines are comments.
async function read(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let name = 'message';
  let data = [];
  let id = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error('the stream ended');
    }
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length) {
          let parsed;
          try {
            parsed = JSON.parse(data.join('\n'));
          } catch (e) {
            parsed = data.join('\n');
          }
          dispatch(name, parsed, id);
        }
        name = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') {
        name = val;
      } else if (field === 'data') {
        data.push(val);
      } else if (field === 'id') {
        id = val;
      }
    }
  }
}

/** Shows a message under the bar: kind 'error' (stays until the next message) or 'info' (goes after 6 s). */
export function message(text, kind = 'info') {
  const box = document.getElementById('message');
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
  clearTimeout(message.timer);
  if (kind !== 'error') {
    message.timer = setTimeout(() => {
      box.hidden = true;
    }, 6000);
  }
}

export function clearMessage() {
  document.getElementById('message').hidden = true;
}

/**
 * Builds an element: el('td', { class: 'state', dataset: { host: 'web' } }, 'Ready', child…). Strings become text
 * nodes; attributes named on… are refused (no inline handlers; use addEventListener).
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on')) {
      throw new Error('el(): no inline handlers (' + k + ')');
    } else if (k === 'dataset') {
      Object.assign(e.dataset, v);
    } else if (k === 'class') {
      e.className = v;
    } else if (v === true) {
      e.setAttribute(k, '');
    } else {
      e.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** '4 s', '3 min 12 s', '2 h 5 min' for a number of seconds; '' for null. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
    return '';
  }
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return s + ' s';
  }
  if (s < 3600) {
    return Math.floor(s / 60) + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
  }
  const m = Math.floor((s % 3600) / 60);
  return Math.floor(s / 3600) + ' h' + (m ? ' ' + m + ' min' : '');
}

/** How long ago an ISO time was, in words ('12 s ago'); '' for null. */
export function ago(iso) {
  if (!iso) {
    return '';
  }
  return duration((Date.now() - Date.parse(iso)) / 1000) + ' ago';
}

/** The local clock time of an ISO time (HH:MM:SS), with the full time as a tooltip when put in a <time>. */
export function clock(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return el('time', { datetime: iso, title: d.toISOString() }, d.toLocaleTimeString([], { hour12: false }));
}

/** The caller as the planner knows it ({ name, roles, hosts }), set once logged in. */
export const session = { name: null, roles: [], hosts: [] };

/** Whether the caller holds a role (operator implies viewer on the server; the page asks for what it needs). */
export function can(role) {
  return session.roles.includes(role);
}

const views = new Map();

/**
 * A view of the dashboard: `show(section, arg)` when its tab (or #name/arg) is opened, `hide()` when another is.
 * A view keeps its own timers and streams and stops them in hide().
 */
export function registerView(name, view) {
  views.set(name, view);
}

export function view(name) {
  return views.get(name);
}

/** Calls `fn` once, `ms` after the last of a burst of calls. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Calls `fn` `ms` after the first of a burst of calls, once (then again for the next burst): a reload that a steady
 * flow of events cannot postpone forever, unlike a debounce.
 */
export function soon(fn, ms) {
  let timer = null;
  return () => {
    if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    }
  };
}

/**
 * Follows /api/v1/events/stream with `query` (e.g. '?host=web') for the view that is shown: `onEvent(loggedEvent,
 * seq)` for each event; `#live` says 'live' while the stream is open and 'reconnecting…' while it is not (empty once
 * the view closed it). A refusal (403 host outside the token's scope, 400 bad filter) is shown as an error message.
 * Returns { close() }.
 */
export function follow(query, onEvent) {
  const live = document.getElementById('live');
  let closedByView = false;
  const s = stream('/api/v1/events/stream' + (query || ''), (name, data, id) => {
    if (name === 'fleet-event') {
      onEvent(data, id);
    }
  }, (state, why) => {
    if (state === 'open') {
      live.textContent = 'live';
      live.className = 'field ok';
    } else if (state === 'closed' && closedByView) {
      live.textContent = '';
      live.className = 'field';
    } else {
      live.textContent = 'reconnecting…';
      live.className = 'field busy';
      if (state === 'closed' && why) {
        message(why, 'error');
      }
    }
  });
  return {
    close() {
      closedByView = true;
      s.close();
    },
  };
}

/** The colour class of a host state: ok (settled and fine), busy (waiting or a step running), bad, idle (gone). */
export function stateClass(state) {
  if (state === 'Ready' || state === 'Adopted') {
    return 'ok';
  }
  if (state === 'Failed' || state === 'Drifted') {
    return 'bad';
  }
  if (state === 'Gone' || !state) {
    return 'idle';
  }
  return 'busy';
}
