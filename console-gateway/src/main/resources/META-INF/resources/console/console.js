// The console page's I/O: the terminal (xterm.js, DOM renderer), the gateway's WebSocket (/console/ws/{host}) and
// the status bar. The protocol is console-gateway/DESIGN.md's "Client protocol"; what the bar says is status.js.
import { apply, canType, closeText, describe, initialView, mayReconnect } from './status.js';

const TOKEN_KEY = 'fleetplane.console.token';
const PING_MILLIS = 30_000;
const RESIZE_SETTLE_MILLIS = 100;
// Pastes go out in messages of at most 64 KiB (the gateway takes up to 1 MiB; smaller keeps other viewers' output
// flowing while a large paste is typed in).
const MAX_INPUT_BYTES = 64 * 1024;

const params = new URLSearchParams(window.location.search);
const host = params.get('host');
const $ = (id) => document.getElementById(id);

const term = new window.Terminal({
  rendererType: 'dom', // text in the DOM: selectable, read by screen readers and by the browser test
  cursorBlink: true,
  scrollback: 5000,
  fontFamily: 'monospace',
  fontSize: 14,
  lineHeight: 1.2, // at 1.0 the DOM renderer's rows clip underscores
});
const fit = new window.FitAddon.FitAddon();
term.loadAddon(fit);

let view = initialView(host);
let socket = null;
let pingTimer = null;
// A close frame's reason holds 123 bytes; the gateway sends a longer one first as an error with code 'closing'.
let closingReason = null;
const encoder = new TextEncoder();

/** The token from the URL's fragment (never sent to the server as part of a URL), else from this tab's storage. */
function takeToken() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // drop it from the address bar and the history
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function render() {
  const bar = describe(view);
  $('target').textContent = bar.target;
  $('backend').textContent = bar.backend;
  $('role').textContent = bar.role;
  $('role').className = 'field ' + (view.you ?? '');
  $('viewers').textContent = bar.viewers;
  $('line').textContent = bar.line;
  $('line').className = 'field ' + (view.line ?? '');
  $('take').hidden = !bar.showTake;
  $('release').hidden = !bar.showRelease;
  document.title = `${host} · fleetplane console`;
}

function notice(text, isError) {
  const el = $('notice');
  el.textContent = text;
  el.className = 'field notice' + (isError ? ' error' : '');
}

function sendControl(message) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(message));
  }
}

/** Typed or pasted text as UTF-8, in messages of at most MAX_INPUT_BYTES, each cut before a character's start. */
function sendInput(bytes) {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    return;
  }
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + MAX_INPUT_BYTES, bytes.length);
    while (end < bytes.length && end > start + 1 && (bytes[end] & 0xc0) === 0x80) {
      end--; // a continuation byte: move the cut back to the character's first byte
    }
    socket.send(bytes.subarray(start, end));
    start = end;
  }
}

function onControl(message) {
  view = apply(view, message);
  switch (message.type) {
    case 'welcome':
      notice('', false);
      break;
    case 'backend':
      notice(message.message ?? '', message.state === 'reconnecting');
      break;
    case 'error':
      if (message.code === 'closing') {
        closingReason = message.message;
      }
      notice(message.message ?? message.code, true);
      break;
    default:
      break;
  }
  render();
}

function connect(token) {
  const url = new URL(`ws/${encodeURIComponent(host)}`, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  notice('connecting…', false);
  $('reconnect').hidden = true;
  view = initialView(host);
  closingReason = null;
  render();

  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  socket = ws;
  ws.onopen = () => {
    fit.fit();
    ws.send(JSON.stringify({ type: 'auth', token, cols: term.cols, rows: term.rows }));
    pingTimer = setInterval(() => sendControl({ type: 'ping' }), PING_MILLIS);
  };
  ws.onmessage = (event) => {
    if (event.data instanceof ArrayBuffer) {
      term.write(new Uint8Array(event.data)); // raw VM output; xterm joins UTF-8 characters cut between messages
      return;
    }
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (e) {
      notice(`the gateway sent a control message that is not JSON: ${e.message}`, true);
      return;
    }
    onControl(message);
  };
  ws.onclose = (event) => {
    clearInterval(pingTimer);
    if (socket !== ws) {
      return;
    }
    socket = null;
    view = { ...view, you: null, line: null };
    render();
    notice(closeText(event.code, closingReason ?? event.reason), event.code !== 1000);
    $('reconnect').hidden = !mayReconnect(event.code);
    if (event.code === 4401) {
      sessionStorage.removeItem(TOKEN_KEY);
      askToken();
    }
  };
}

function askToken() {
  $('login-host').textContent = host;
  $('login').hidden = false;
  $('token').focus();
}

function start() {
  if (!host) {
    notice('no host: open this page as /console/?host=<name>', true);
    return;
  }
  term.open($('terminal'));
  fit.fit();

  term.onData((data) => {
    if (canType(view)) {
      sendInput(encoder.encode(data));
    } else if (view.you === 'reader') {
      notice('keys not sent: you are watching', false);
    }
  });
  term.onBinary((data) => {
    // mouse reports in X10 mode: one byte per character, not UTF-8
    if (canType(view)) {
      sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
    }
  });
  term.onResize(({ cols, rows }) => sendControl({ type: 'resize', cols, rows }));

  let settle = null;
  window.addEventListener('resize', () => {
    clearTimeout(settle);
    settle = setTimeout(() => fit.fit(), RESIZE_SETTLE_MILLIS);
  });

  $('take').addEventListener('click', () => sendControl({ type: 'take' }));
  $('release').addEventListener('click', () => sendControl({ type: 'release' }));
  $('reconnect').addEventListener('click', () => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      connect(token);
    } else {
      askToken();
    }
  });
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (!token) {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token').value = '';
    $('login').hidden = true;
    connect(token);
    term.focus();
  });

  render();
  const token = takeToken();
  if (token) {
    connect(token);
    term.focus();
  } else {
    askToken();
  }
}

start();
