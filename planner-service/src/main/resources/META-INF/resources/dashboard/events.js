// The event log live: newest at the top, at most 500 rows, filtered by host, type and correlation id (the stream is
// reconnected with the new filters; clicking a correlation id filters by it).
import { clock, debounce, el, follow, registerView } from './common.js';

const MAX_ROWS = 500;
const BACKLOG = 100;

const events = { section: null, live: null, list: null, host: '', type: '', correlation: '' };

function query() {
  const q = new URLSearchParams();
  if (events.host) {
    q.set('host', events.host);
  }
  if (events.type) {
    q.set('type', events.type);
  }
  if (events.correlation) {
    q.set('correlationId', events.correlation);
  }
  q.set('backlog', String(BACKLOG));
  return '?' + q.toString();
}

function row(e) {
  const corr = e.correlationId
    ? el('button', { class: 'corr', type: 'button', title: 'show only this story' }, e.correlationId)
    : el('span', { class: 'dim' }, '');
  if (e.correlationId) {
    corr.addEventListener('click', () => {
      events.correlation = e.correlationId;
      events.section.querySelector('#event-correlation').value = e.correlationId;
      restart();
    });
  }
  return el('li', { dataset: { seq: String(e.seq), type: e.type } },
    el('div', { class: 'row' },
      clock(e.time),
      el('span', { class: 'type' }, e.type),
      el('span', { class: 'subject' }, e.subject || ''),
      corr,
      el('span', { class: 'dim topic' }, e.topic)),
    el('details', {}, el('summary', { class: 'dim' }, 'data'),
      el('pre', { class: 'data' }, JSON.stringify(e.data, null, 2))));
}

function add(e) {
  const list = events.list;
  if (list.querySelector('li[data-seq="' + CSS.escape(String(e.seq)) + '"]')) {
    return;
  }
  // Newest at the top: a backlog comes oldest first, so each one goes above the ones before it.
  let before = list.firstChild;
  while (before && Number(before.dataset.seq) > e.seq) {
    before = before.nextSibling;
  }
  list.insertBefore(row(e), before);
  while (list.childElementCount > MAX_ROWS) {
    list.lastChild.remove();
  }
  events.section.querySelector('.empty').hidden = true;
}

function restart() {
  if (events.live) {
    events.live.close();
  }
  events.list.replaceChildren();
  events.section.querySelector('.empty').hidden = false;
  events.live = follow(query(), add);
}

const restartSoon = debounce(restart, 400);

function input(id, placeholder, key) {
  const i = el('input', { id, type: 'search', placeholder, value: events[key], maxlength: 256 });
  i.addEventListener('input', () => {
    events[key] = i.value.trim();
    restartSoon();
  });
  return i;
}

registerView('events', {
  show(section) {
    events.section = section;
    events.list = el('ol', { class: 'events' });
    section.replaceChildren(
      el('h2', {}, 'Events'),
      el('div', { class: 'toolbar' },
        input('event-host', 'host', 'host'),
        input('event-type', 'type (fleetplane.vm.started)', 'type'),
        input('event-correlation', 'correlation id', 'correlation')),
      el('p', { class: 'empty' }, 'Waiting for events…'),
      events.list);
    restart();
  },
  hide() {
    if (events.live) {
      events.live.close();
      events.live = null;
    }
  },
});
