// What the status bar says: pure functions from the gateway's control messages and close codes to words
// (no DOM, no socket), so console.js stays the only place that does I/O.

/** Close codes of the gateway's console socket (console-gateway/DESIGN.md, "Client protocol"), in words. */
const CLOSE_CODES = {
  1000: 'closed',
  1006: 'connection lost',
  1009: 'message too big',
  1011: 'gateway error',
  4000: 'closed after being idle',
  4401: 'token missing or unknown',
  4403: 'not allowed to open this host',
  4404: 'no such VM',
  4408: 'no auth message in time',
  4409: 'the VM cannot give a console',
  4429: 'closed: this page did not read its output fast enough',
};

/** Close codes after which opening again cannot help until something changes (token, rights, host name). */
const FINAL_CODES = new Set([4401, 4403, 4404]);

/** The bar's words for a closed socket: the code's meaning and the gateway's reason, which says what and where. */
export function closeText(code, reason) {
  const meaning = CLOSE_CODES[code] ?? `closed (code ${code})`;
  return reason ? `${meaning}: ${reason}` : meaning;
}

/** Whether the page offers to reconnect after this close code. */
export function mayReconnect(code) {
  return !FINAL_CODES.has(code);
}

/** A fresh view: nothing known until the gateway's welcome. */
export function initialView(host) {
  return {
    host,
    vmid: null,
    node: null,
    backend: null,
    operator: null,
    access: null,
    you: null,
    writer: null,
    viewers: 0,
    line: null,
  };
}

/**
 * The view after one control message from the gateway. Unknown types leave it as it was (a newer gateway may say
 * more than this page knows).
 */
export function apply(view, message) {
  switch (message.type) {
    case 'welcome':
      return {
        ...view,
        host: message.host ?? view.host,
        vmid: message.vmid,
        node: message.node,
        backend: message.backend,
        operator: message.operator,
        access: message.access,
        line: 'connected',
      };
    case 'lock':
      return { ...view, you: message.you, writer: message.writer ?? null, viewers: message.viewers };
    case 'backend':
      return { ...view, line: message.state };
    default:
      return view;
  }
}

/** Whether keystrokes go to the VM: only the writer's do. */
export function canType(view) {
  return view.you === 'writer';
}

/** The bar's fields for a view. */
export function describe(view) {
  const target = view.vmid == null ? view.host : `${view.host} (VM ${view.vmid} on ${view.node})`;
  let role = '';
  if (view.you === 'writer') {
    role = `${view.operator}: you have the keyboard`;
  } else if (view.you === 'reader') {
    role = view.writer ? `read-only: ${view.writer} has the keyboard` : 'read-only: nobody has the keyboard';
  }
  return {
    target,
    backend: view.backend ? `via ${view.backend}` : '',
    role,
    viewers: view.viewers ? `${view.viewers} viewer${view.viewers === 1 ? '' : 's'}` : '',
    line: view.line === 'reconnecting' ? 'VM line lost, reconnecting…' : view.line === 'connected' ? 'VM line connected' : '',
    showTake: view.access === 'write' && view.you === 'reader',
    showRelease: view.you === 'writer',
  };
}
