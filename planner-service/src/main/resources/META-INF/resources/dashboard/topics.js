// The topics view: fleetplane's Kafka topics (partitions, offsets, produce rate), the consumer groups on them with
// their lag per partition, charts of the event rate, total lag and dead letters over time, and the dead letters with
// their replay. Refreshed every 5 s while shown. Everything read from a topic (keys, reasons, previews) is untrusted
// text: it only ever becomes text nodes through el().
import { api, clock, el, message, registerView, session } from './common.js';

const REFRESH_MS = 5000;
const DEAD_LETTER_LIMIT = 50;

let section = null;
let timer = null;
let charts = [];
let lastError = null;
// The dead letters whose preview is open ('topic/partition/offset'), kept across refreshes.
const expanded = new Set();

function number(n) {
  return n === null || n === undefined ? '' : Number(n).toLocaleString();
}

function rate(r) {
  if (r === null || r === undefined) {
    return '';
  }
  return (r < 10 ? r.toFixed(2) : r.toFixed(1)) + '/s';
}

function build() {
  section.replaceChildren(
    el('h2', {}, 'Topics'),
    el('table', { class: 'topics' },
      el('thead', {}, el('tr', {},
        el('th', {}, 'topic'), el('th', { class: 'num' }, 'partitions'), el('th', { class: 'num' }, 'messages'),
        el('th', {}, 'end offsets'), el('th', { class: 'num' }, 'produce rate'))),
      el('tbody')),
    el('h3', {}, 'Over the last hour'),
    el('div', { class: 'charts' },
      el('div', { class: 'chart rate' }), el('div', { class: 'chart lag' }), el('div', { class: 'chart dlq' })),
    el('h3', {}, 'Consumer groups'),
    el('table', { class: 'groups' },
      el('thead', {}, el('tr', {},
        el('th', {}, 'group'), el('th', {}, 'topic'), el('th', { class: 'num' }, 'partition'),
        el('th', { class: 'num' }, 'committed'), el('th', { class: 'num' }, 'end'), el('th', { class: 'num' }, 'lag'))),
      el('tbody')),
    el('h3', {}, 'Dead letters'),
    el('p', { class: 'dim' }, 'The newest ' + DEAD_LETTER_LIMIT + ' records of the .dlq topics. Replay sends one back '
      + 'to its topic once; consumers skip an event they already handled.'),
    el('table', { class: 'dead-letters' },
      el('thead', {}, el('tr', {},
        el('th', {}, 'time'), el('th', {}, 'topic'), el('th', {}, 'key'), el('th', {}, 'reason'),
        el('th', {}, 'consumer'), el('th', {}, 'origin'), el('th', { class: 'num' }, 'attempts'),
        el('th', {}, 'failed at'), el('th', {}, 'event type'), el('th', {}, ''), el('th', {}, ''))),
      el('tbody')));
  charts = makeCharts();
}

function makeCharts() {
  if (typeof window.uPlot !== 'function') {
    for (const box of section.querySelectorAll('.chart')) {
      box.replaceChildren(el('span', { class: 'dim' }, 'charts unavailable (uPlot did not load)'));
    }
    return [];
  }
  const specs = [
    { box: '.chart.rate', title: 'events per second', colour: '#58a6ff', field: 'eventsPerSecond' },
    { box: '.chart.lag', title: 'total consumer lag', colour: '#d29922', field: 'lag' },
    { box: '.chart.dlq', title: 'dead letters held', colour: '#f85149', field: 'deadLetters' },
  ];
  return specs.map((s) => {
    const box = section.querySelector(s.box);
    const axis = { stroke: '#8a93a3', grid: { stroke: '#2a303a' }, ticks: { stroke: '#2a303a' } };
    const plot = new window.uPlot({
      title: s.title,
      width: Math.max(300, box.clientWidth - 16),
      height: 180,
      scales: { x: { time: true } },
      series: [{}, { label: s.title, stroke: s.colour, width: 2, points: { show: false } }],
      axes: [axis, axis],
      legend: { show: false },
    }, [[], []], box);
    return { plot, field: s.field };
  });
}

function renderTopics(answer) {
  const rows = answer.topics.map((t) => el('tr', { dataset: { topic: t.name }, class: t.dlq ? 'dlq' : null },
    el('td', { class: 'name' }, t.name, t.dlq && t.messages > 0 ? el('span', { class: 'badge bad' }, ' dead letters')
      : null),
    el('td', { class: 'num partitions' }, String(t.partitions.length)),
    el('td', { class: 'num messages' }, number(t.messages)),
    el('td', { class: 'ends mono' }, t.partitions.map((p) => p.partition + ':' + p.end).join(' ')),
    el('td', { class: 'num rate' }, rate(t.ratePerSecond))));
  section.querySelector('table.topics tbody').replaceChildren(...rows);

  const groupRows = [];
  for (const g of answer.groups) {
    groupRows.push(el('tr', { class: 'group', dataset: { group: g.group } },
      el('td', { class: 'name' }, g.group), el('td', { class: 'dim' }, g.partitions.length + ' partitions'),
      el('td'), el('td'), el('td'),
      el('td', { class: 'num total ' + (g.lag > 0 ? 'busy' : 'ok') }, number(g.lag))));
    for (const p of g.partitions) {
      groupRows.push(el('tr', { dataset: { group: g.group, topic: p.topic, partition: String(p.partition) } },
        el('td'), el('td', { class: 'topic' }, p.topic), el('td', { class: 'num partition' }, String(p.partition)),
        el('td', { class: 'num committed' }, number(p.committed)), el('td', { class: 'num end' }, number(p.end)),
        el('td', { class: 'num lag' + (p.lag > 0 ? ' busy' : '') }, String(p.lag))));
    }
  }
  if (!groupRows.length) {
    groupRows.push(el('tr', {}, el('td', { class: 'empty', colspan: 6 }, 'no consumer group has committed on these topics')));
  }
  section.querySelector('table.groups tbody').replaceChildren(...groupRows);
}

function renderHistory(history) {
  const x = history.samples.map((s) => Date.parse(s.time) / 1000);
  for (const c of charts) {
    c.plot.setData([x, history.samples.map((s) => s[c.field])]);
  }
}

function positionOf(d) {
  return d.topic + '/' + d.partition + '/' + d.offset;
}

function replayedText(by, at) {
  return by ? 'replayed by ' + by + (at ? ' ' + new Date(at).toLocaleString() : '') : '';
}

async function replay(d, button, replayedCell) {
  button.disabled = true;
  try {
    const r = await api('/api/v1/dead-letters/' + encodeURIComponent(d.topic) + '/' + d.partition + '/' + d.offset
      + '/replay', { method: 'POST' });
    replayedCell.textContent = replayedText(session.name, new Date().toISOString());
    message('replayed ' + d.topic + '-' + d.partition + '@' + d.offset + ' to ' + r.replayedTo + '-' + r.partition
      + '@' + r.offset, 'info');
  } catch (e) {
    message(e.message, 'error');
  } finally {
    button.disabled = false;
  }
}

function renderDeadLetters(list) {
  const rows = [];
  for (const d of list) {
    const pos = positionOf(d);
    const toggle = el('button', { type: 'button', class: 'preview-toggle' }, expanded.has(pos) ? 'hide' : 'preview');
    const button = el('button', { type: 'button', class: 'replay' }, 'Replay');
    const replayedCell = el('td', { class: 'replayed dim' }, replayedText(d.replayedBy, d.replayedAt));
    const row = el('tr', { class: 'dead-letter', dataset: { topic: d.topic, partition: String(d.partition),
      offset: String(d.offset) } },
    el('td', { class: 'time' }, d.timestamp ? clock(d.timestamp) : ''),
    el('td', { class: 'topic' }, d.topic + '-' + d.partition + '@' + d.offset),
    el('td', { class: 'key' }, d.key === null ? '' : d.key),
    el('td', { class: 'reason' }, d.reason === null ? '(no reason header)' : d.reason),
    el('td', { class: 'consumer' }, d.consumer || ''),
    el('td', { class: 'origin mono' }, d.origin || ''),
    el('td', { class: 'num attempts' }, d.attempts === null ? '' : String(d.attempts)),
    el('td', { class: 'failed-at' }, d.failedAt || ''),
    el('td', { class: 'event-type', title: d.eventId || '' }, d.eventType || ''),
    el('td', {}, toggle, ' ', button),
    replayedCell);
    const preview = el('tr', { class: 'preview', hidden: !expanded.has(pos) },
      el('td', { colspan: 11 },
        d.exception ? el('div', { class: 'dim' }, 'exception: ' + d.exception) : null,
        d.eventId ? el('div', { class: 'dim' }, 'event id: ' + d.eventId) : null,
        el('pre', { class: 'plan preview-text' }, d.preview === null ? '(no value)' : d.preview)));
    toggle.addEventListener('click', () => {
      if (expanded.has(pos)) {
        expanded.delete(pos);
      } else {
        expanded.add(pos);
      }
      preview.hidden = !expanded.has(pos);
      toggle.textContent = expanded.has(pos) ? 'hide' : 'preview';
    });
    button.addEventListener('click', () => replay(d, button, replayedCell));
    rows.push(row, preview);
  }
  if (!rows.length) {
    rows.push(el('tr', {}, el('td', { class: 'empty', colspan: 11 }, 'no dead letters')));
  }
  section.querySelector('table.dead-letters tbody').replaceChildren(...rows);
}

async function refresh() {
  const [topics, history, deadLetters] = await Promise.allSettled([
    api('/api/v1/topics'),
    api('/api/v1/topics/history'),
    api('/api/v1/dead-letters?limit=' + DEAD_LETTER_LIMIT),
  ]);
  if (!section) {
    return; // hidden while the calls were out
  }
  const failed = [topics, history, deadLetters].find((r) => r.status === 'rejected');
  if (topics.status === 'fulfilled') {
    renderTopics(topics.value);
  }
  if (history.status === 'fulfilled') {
    renderHistory(history.value);
  }
  if (deadLetters.status === 'fulfilled') {
    renderDeadLetters(deadLetters.value);
  }
  // One message per distinct failure, not one every 5 s.
  const why = failed ? failed.reason.message : null;
  if (why && why !== lastError) {
    message(why, 'error');
  }
  lastError = why;
}

registerView('topics', {
  show(s) {
    section = s;
    lastError = null;
    if (!section.querySelector('table.groups')) {
      build();
    }
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, REFRESH_MS);
  },
  hide() {
    clearInterval(timer);
    timer = null;
    section = null;
  },
});
