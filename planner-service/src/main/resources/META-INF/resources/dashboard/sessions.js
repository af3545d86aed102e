// The serial-console sessions: who is on which VM's console now, and the last closed sessions, read again when a
// console event arrives.
import { ago, api, clock, soon, duration, el, follow, message, registerView } from './common.js';

const view = { section: null, live: null };

function bytes(n) {
  if (n === null || n === undefined) {
    return '';
  }
  return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
}

async function load() {
  try {
    const s = await api('/api/v1/dashboard/console-sessions');
    view.section.querySelector('table.sessions-open tbody').replaceChildren(...s.open.map((x) => el('tr',
      { dataset: { session: x.session, host: x.host } },
      el('td', {}, x.host), el('td', { class: 'num' }, String(x.vmid)), el('td', {}, x.operator),
      el('td', {}, x.access || ''), el('td', { class: 'mono' }, x.from || ''), el('td', {}, x.backend || ''),
      el('td', { title: x.openedAt }, duration(x.seconds)))));
    view.section.querySelector('.empty-open').hidden = s.open.length > 0;
    view.section.querySelector('table.sessions-closed tbody').replaceChildren(...s.closed.map((x) => el('tr',
      { dataset: { session: x.session, host: x.host } },
      el('td', {}, x.host), el('td', { class: 'num' }, String(x.vmid)), el('td', {}, x.operator),
      el('td', {}, clock(x.openedAt)), el('td', { title: x.closedAt }, ago(x.closedAt)),
      el('td', {}, duration(x.durationMillis / 1000)), el('td', { class: 'num' }, bytes(x.bytesIn)),
      el('td', { class: 'num' }, bytes(x.bytesOut)), el('td', { class: 'reason' }, x.reason || ''))));
  } catch (e) {
    message(e.message, 'error');
  }
}

const reload = soon(load, 300);

registerView('sessions', {
  show(section) {
    view.section = section;
    section.replaceChildren(
      el('h2', {}, 'Console sessions'),
      el('h3', {}, 'Open'),
      el('table', { class: 'sessions-open' },
        el('thead', {}, el('tr', {}, ['Host', 'VMID', 'Operator', 'Access', 'From', 'Backend', 'Open for']
          .map((t) => el('th', {}, t)))),
        el('tbody')),
      el('p', { class: 'empty empty-open', hidden: true }, 'No one is on a console.'),
      el('h3', {}, 'Recently closed'),
      el('table', { class: 'sessions-closed' },
        el('thead', {}, el('tr', {}, ['Host', 'VMID', 'Operator', 'Opened', 'Closed', 'Lasted', 'In', 'Out', 'Why']
          .map((t) => el('th', {}, t)))),
        el('tbody')));
    load();
    view.live = follow('', (e) => {
      if (e.topic === 'console.sessions') {
        reload();
      }
    });
  },
  hide() {
    if (view.live) {
      view.live.close();
      view.live = null;
    }
  },
});
