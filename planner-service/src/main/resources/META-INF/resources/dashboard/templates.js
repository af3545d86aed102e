// The templates: each template's newest build (Ready with its VMID, Rejected with the reason, or still building) and
// the builds' events, read again when a template event arrives.
import { ago, api, clock, soon, el, follow, message, registerView } from './common.js';

const view = { section: null, live: null };

function statusClass(s) {
  return s === 'Ready' ? 'ok' : s === 'Rejected' ? 'bad' : 'busy';
}

async function load() {
  try {
    const t = await api('/api/v1/dashboard/templates');
    view.section.querySelector('table.templates tbody').replaceChildren(...t.builds.map((b) => el('tr',
      { dataset: { template: b.template, build: b.buildId } },
      el('td', {}, b.template),
      el('td', { class: 'status', title: b.reason || '' }, el('span', { class: 'badge ' + statusClass(b.status) }, b.status)),
      el('td', { class: 'num' }, b.vmid === null ? '' : String(b.vmid)),
      el('td', {}, b.node || ''),
      el('td', {}, b.step || ''),
      el('td', { class: 'reason' }, b.reason || ''),
      el('td', { title: b.time }, ago(b.time)),
      el('td', { class: 'mono dim' }, b.buildId))));
    view.section.querySelector('.empty').hidden = t.builds.length > 0;
    view.section.querySelector('table.template-events tbody').replaceChildren(...t.events.map((e) => el('tr',
      { dataset: { seq: String(e.seq) } },
      el('td', {}, clock(e.time)),
      el('td', { class: 'mono' }, e.type.replace(/^fleetplane\./, '').replace(/\.v\d+$/, '')),
      el('td', {}, e.subject || ''),
      el('td', { class: 'mono dim' }, e.correlationId || ''))));
  } catch (e) {
    message(e.message, 'error');
  }
}

const reload = soon(load, 300);

registerView('templates', {
  show(section) {
    view.section = section;
    section.replaceChildren(
      el('h2', {}, 'Templates'),
      el('table', { class: 'templates' },
        el('thead', {}, el('tr', {}, ['Template', 'Status', 'VMID', 'Node', 'Step', 'Reason', 'When', 'Build']
          .map((t) => el('th', {}, t)))),
        el('tbody')),
      el('p', { class: 'empty', hidden: true }, 'No template builds logged.'),
      el('h3', {}, 'Build events'),
      el('table', { class: 'template-events' },
        el('thead', {}, el('tr', {}, ['Time', 'Event', 'Template', 'Build'].map((t) => el('th', {}, t)))),
        el('tbody')));
    load();
    view.live = follow('', (e) => {
      if (e.topic === 'templates.events' || e.topic === 'templates.commands') {
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
