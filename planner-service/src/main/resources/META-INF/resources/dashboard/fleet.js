// The fleet: every managed host with its state, conditions, address, newest event and time in state, live; and the
// host sub-view (#host/<name>): its details, desired beside observed, its timeline and its events.
import { ago, api, clock, soon, duration, el, follow, message, registerView, stateClass } from './common.js';

const STATES = ['Pending', 'Cloning', 'Configuring', 'Starting', 'Provisioning', 'Updating', 'Resizing', 'Stopping',
  'Destroying', 'Ready', 'Adopted', 'Drifted', 'Gone', 'Failed'];

function badge(state) {
  return el('span', { class: 'badge ' + stateClass(state) }, state);
}

function condition(hostRow, type, cls) {
  const c = (hostRow.conditions || []).find((x) => x.type === type);
  if (!c) {
    return el('td', { class: cls });
  }
  return el('td', { class: cls + ' cond ' + (c.status === 'True' ? 'ok' : 'bad'), title: c.message || '' },
    c.status, el('span', { class: 'why' }, c.reason || ''));
}

// ---- the fleet table ----

const fleet = {
  section: null,
  rows: [],
  live: null,
  text: '',
  state: '',
};

async function loadFleet() {
  try {
    fleet.rows = await api('/api/v1/dashboard/hosts');
    renderRows();
  } catch (e) {
    message(e.message, 'error');
  }
}

const reloadFleet = soon(loadFleet, 300);

function renderRows() {
  const tbody = fleet.section.querySelector('table.hosts tbody');
  if (!tbody) {
    return;
  }
  const text = fleet.text.toLowerCase();
  const shown = fleet.rows.filter((h) => (!fleet.state || h.state === fleet.state)
    && (!text || [h.host, h.fleet, h.ip, h.node, String(h.vmid), h.reason].some((v) => v && v.toLowerCase().includes(text))));
  tbody.replaceChildren(...shown.map((h) => {
    const tr = el('tr', { class: 'clickable', dataset: { host: h.host, fleet: h.fleet } },
      el('td', { class: 'host' }, h.host),
      el('td', { class: 'fleet dim' }, h.fleet),
      el('td', { class: 'state', title: [h.action, h.step, h.reason].filter(Boolean).join(' · ') }, badge(h.state)),
      condition(h, 'Ready', 'ready'),
      condition(h, 'Reconciled', 'reconciled'),
      el('td', { class: 'ip mono' }, h.ip || ''),
      el('td', { class: 'num vmid' }, String(h.vmid)),
      el('td', { class: 'since num', title: h.stateSince || '' }, duration(h.secondsInState)),
      el('td', { class: 'last-event' }, h.lastEvent
        ? [el('span', { class: 'mono' }, shortType(h.lastEvent.type)), ' ', el('span', { class: 'dim' }, ago(h.lastEvent.time))]
        : ''));
    tr.addEventListener('click', () => {
      location.hash = '#host/' + encodeURIComponent(h.host);
    });
    return tr;
  }));
  const empty = fleet.section.querySelector('.empty');
  empty.hidden = shown.length > 0;
  empty.textContent = fleet.rows.length ? 'No host matches the filter.' : 'No managed hosts yet.';
}

function shortType(type) {
  return (type || '').replace(/^fleetplane\./, '').replace(/\.v\d+$/, '');
}

registerView('fleet', {
  show(section) {
    fleet.section = section;
    const text = el('input', { id: 'fleet-filter', type: 'search', placeholder: 'host, fleet, IP…', value: fleet.text });
    const state = el('select', { id: 'fleet-state' }, el('option', { value: '' }, 'every state'),
      STATES.map((s) => el('option', { value: s, selected: s === fleet.state }, s)));
    text.addEventListener('input', () => {
      fleet.text = text.value;
      renderRows();
    });
    state.addEventListener('change', () => {
      fleet.state = state.value;
      renderRows();
    });
    section.replaceChildren(
      el('h2', {}, 'Fleet'),
      el('div', { class: 'toolbar' }, text, state),
      el('table', { class: 'hosts' },
        el('thead', {}, el('tr', {}, ['Host', 'Fleet', 'State', 'Ready', 'Reconciled', 'IP', 'VMID', 'In state',
          'Last event'].map((t) => el('th', {}, t)))),
        el('tbody')),
      el('p', { class: 'empty', hidden: true }));
    loadFleet();
    // Any event about a host (or a plan) may change a row: read the table again, at most every 300 ms.
    fleet.live = follow('', (e) => {
      if (e.subject && (e.topic === 'fleet.plans' || fleet.rows.some((h) => h.host === e.subject)
        || e.topic === 'pve.events' || e.topic === 'provisioning.events')) {
        reloadFleet();
      }
    });
  },
  hide() {
    if (fleet.live) {
      fleet.live.close();
      fleet.live = null;
    }
  },
});

// ---- one host ----

const host = { section: null, name: null, live: null, events: [] };

const COMPARED = ['vmid', 'name', 'cores', 'memory', 'disk', 'status', 'node'];

function compare(desired, observed) {
  const keys = [];
  for (const k of [...COMPARED, ...Object.keys(desired || {}), ...Object.keys(observed || {})]) {
    if (!keys.includes(k) && k !== 'seenAt') {
      keys.push(k);
    }
  }
  const text = (v) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return el('table', { class: 'compare' },
    el('thead', {}, el('tr', {}, el('th', {}, 'attribute'), el('th', {}, 'desired (spec)'),
      el('th', {}, 'observed' + (observed && observed.seenAt ? ' (' + ago(observed.seenAt) + ')' : ' (no inventory)')))),
    el('tbody', {}, keys.filter((k) => (desired && k in desired) || (observed && k in observed)).map((k) => {
      const d = desired ? desired[k] : undefined;
      const o = observed ? observed[k] : undefined;
      const differs = desired && observed && d !== undefined && o !== undefined && text(d) !== text(o);
      return el('tr', { class: differs ? 'differs' : null, dataset: { attribute: k } },
        el('td', {}, k),
        el('td', { class: differs ? 'differs diff-new' : null }, text(d)),
        el('td', { class: differs ? 'differs diff-old' : null }, text(o)));
    })));
}

function timeline(steps) {
  if (!steps.length) {
    return el('div', { class: 'timeline' }, el('p', { class: 'empty' }, 'No state changes logged.'));
  }
  const longest = Math.max(1, ...steps.map((s) => s.seconds));
  return el('div', { class: 'timeline' }, steps.map((s) => el('div', {
    class: 'step', dataset: { state: s.state }, title: (s.correlationId || '') + ' · entered ' + s.enteredAt,
  },
  el('span', {}, badge(s.state)),
  el('div', { class: 'track' }, el('div', {
    class: 'bar ' + stateClass(s.state), style: 'width:' + Math.max(0.5, (100 * s.seconds) / longest).toFixed(2) + '%',
  })),
  el('span', { class: 'num' }, duration(s.seconds) + (s.leftAt ? '' : ' (now)')))));
}

function eventItem(e) {
  return el('li', { dataset: { seq: String(e.seq) } },
    el('div', { class: 'row' }, clock(e.time), el('span', { class: 'type' }, shortType(e.type)),
      el('span', { class: 'dim' }, e.correlationId || '')),
    el('details', {}, el('summary', { class: 'dim' }, 'data'), el('pre', { class: 'data' },
      JSON.stringify(e.data, null, 2))));
}

async function loadHost() {
  const name = host.name;
  try {
    const [rows, story] = await Promise.all([api('/api/v1/dashboard/hosts'),
      api('/api/v1/hosts/' + encodeURIComponent(name) + '/timeline')]);
    if (name !== host.name) {
      return;
    }
    renderHost(rows.find((r) => r.host === name) || null, story);
  } catch (e) {
    message(e.message, 'error');
  }
}

const reloadHost = soon(loadHost, 300);

function renderHost(row, story) {
  const s = host.section;
  const details = row
    ? el('dl', { class: 'details' },
      ['fleet', 'state', 'action', 'step', 'reason', 'ip', 'vmid', 'node', 'planId'].flatMap((k) => [
        el('dt', {}, k), el('dd', { class: k }, k === 'state' ? badge(row.state) : row[k] === null || row[k] === undefined ? '' : String(row[k]))]),
      el('dt', {}, 'in state'), el('dd', {}, duration(row.secondsInState)),
      (row.conditions || []).flatMap((c) => [el('dt', {}, c.type),
        el('dd', { class: c.status === 'True' ? 'ok' : 'bad' }, c.status + ' ' + c.reason + (c.message ? ': ' + c.message : ''))]))
    : el('p', { class: 'dim' }, 'Not tracked by the planner (only its events are known).');
  host.events = story.events.slice().reverse();
  s.replaceChildren(
    el('h2', {}, el('a', { href: '#fleet' }, 'Fleet'), ' / ', name(host.name)),
    details,
    el('h3', {}, 'Desired and observed'),
    row ? compare(row.desired, row.observed) : el('p', { class: 'empty' }, 'Nothing to compare.'),
    el('h3', {}, 'Timeline'),
    timeline(story.steps),
    el('h3', {}, 'Events'),
    el('ol', { class: 'host-events' }, host.events.map(eventItem)));
}

function name(n) {
  return el('span', { class: 'name' }, n);
}

registerView('host', {
  show(section, arg) {
    host.section = section;
    host.name = arg;
    section.replaceChildren(el('h2', {}, el('a', { href: '#fleet' }, 'Fleet'), ' / ', name(arg)),
      el('div', { class: 'timeline' }));
    loadHost();
    host.live = follow('?host=' + encodeURIComponent(arg), () => reloadHost());
  },
  hide() {
    if (host.live) {
      host.live.close();
      host.live = null;
    }
    host.name = null;
  },
});
