// The plans: every computed plan with its counts and status, live; and the plan sub-view (#plan/<id>): its text as
// tofu would print it, its JSON, and the apply button (shown to everyone: the server decides who may).
import { api, clock, soon, el, follow, message, registerView, session } from './common.js';

const plans = { section: null, live: null };

function counts(p) {
  return ['+' + p.toAdd, '~' + p.toChange, '-' + p.toDestroy, 'adopt ' + p.toAdopt, 'forget ' + p.toForget].join(' ');
}

function statusClass(status) {
  return status === 'applied' ? 'ok' : status === 'failed' ? 'bad' : 'busy';
}

async function loadPlans() {
  try {
    const list = await api('/api/v1/plans?limit=200');
    const tbody = plans.section.querySelector('table.plans tbody');
    tbody.replaceChildren(...list.map((p) => {
      const tr = el('tr', { class: 'clickable', dataset: { plan: p.id } },
        el('td', { class: 'mono' }, p.id),
        el('td', {}, p.fleet),
        el('td', { class: 'num' }, String(p.specVersion)),
        el('td', {}, p.origin),
        el('td', { class: 'mono' }, counts(p)),
        el('td', {}, el('span', { class: 'badge ' + statusClass(p.status) }, p.status)),
        el('td', {}, clock(p.computedAt)),
        el('td', {}, p.approvedBy || ''));
      tr.addEventListener('click', () => {
        location.hash = '#plan/' + encodeURIComponent(p.id);
      });
      return tr;
    }));
    plans.section.querySelector('.empty').hidden = list.length > 0;
  } catch (e) {
    message(e.message, 'error');
  }
}

const reloadPlans = soon(loadPlans, 300);

function isPlanEvent(e) {
  return e.topic === 'fleet.plans' && /^fleetplane\.plan\./.test(e.type);
}

registerView('plans', {
  show(section) {
    plans.section = section;
    section.replaceChildren(
      el('h2', {}, 'Plans'),
      el('table', { class: 'plans' },
        el('thead', {}, el('tr', {}, ['Plan', 'Fleet', 'Spec version', 'Origin', 'Changes', 'Status', 'Computed',
          'Approved by'].map((t) => el('th', {}, t)))),
        el('tbody')),
      el('p', { class: 'empty', hidden: true }, 'No plans yet.'));
    loadPlans();
    plans.live = follow('', (e) => {
      if (isPlanEvent(e)) {
        reloadPlans();
      }
    });
  },
  hide() {
    if (plans.live) {
      plans.live.close();
      plans.live = null;
    }
  },
});

// ---- one plan ----

const plan = { section: null, id: null, live: null, json: false };

function planText(text) {
  return el('pre', { class: 'plan' }, (text || '').split('\n').map((line) => {
    const t = line.trimStart();
    const cls = t.startsWith('+') ? 'add' : t.startsWith('-') ? 'del' : t.startsWith('~') ? 'chg' : null;
    return el('span', { class: cls }, line + '\n');
  }));
}

async function loadPlan() {
  const id = plan.id;
  try {
    const p = await api('/api/v1/plans/' + encodeURIComponent(id));
    if (id === plan.id) {
      renderPlan(p);
    }
  } catch (e) {
    message(e.message, 'error');
  }
}

const reloadPlan = soon(loadPlan, 300);

function renderPlan(p) {
  const apply = el('button', { class: 'apply primary', type: 'button' }, 'Apply');
  apply.addEventListener('click', async () => {
    apply.disabled = true;
    try {
      const done = await api('/api/v1/plans/' + encodeURIComponent(p.id) + '/apply', {
        method: 'POST', body: {}, headers: { 'X-Fleetplane-Operator': session.name || 'dashboard' },
      });
      message('Plan ' + done.id + ' applied by ' + (done.approvedBy || session.name), 'info');
      renderPlan(done);
    } catch (e) {
      message(e.message, 'error');
      apply.disabled = false;
    }
  });
  // Who pushed the spec version this plan was computed from: its source (ci, operator, event), the revision it named
  // and when. A token limited to some hosts may not read specs; the line then says so.
  const pushed = el('dd', { class: 'pushed' }, '…');
  api('/api/v1/specs/' + encodeURIComponent(p.specVersion)).then((v) => {
    pushed.replaceChildren(v.source || '?', v.revision ? ' (revision ' + v.revision + ')' : '', ' at ',
      clock(v.acceptedAt));
  }).catch((e) => {
    pushed.textContent = 'not shown (' + e.message + ')';
  });
  const toggle = el('button', { class: 'json-toggle', type: 'button' }, plan.json ? 'Hide JSON' : 'JSON');
  toggle.addEventListener('click', () => {
    plan.json = !plan.json;
    renderPlan(p);
  });
  plan.section.replaceChildren(
    el('h2', {}, el('a', { href: '#plans' }, 'Plans'), ' / ', el('span', { class: 'mono' }, p.id)),
    el('dl', { class: 'details' },
      el('dt', {}, 'fleet'), el('dd', {}, p.fleet),
      el('dt', {}, 'spec version'), el('dd', {}, String(p.specVersion)),
      el('dt', {}, 'pushed'), pushed,
      el('dt', {}, 'origin'), el('dd', {}, p.origin),
      el('dt', {}, 'status'), el('dd', { class: 'status' }, el('span', { class: 'badge ' + statusClass(p.status) }, p.status)),
      el('dt', {}, 'changes'), el('dd', { class: 'mono' }, counts(p)),
      el('dt', {}, 'computed'), el('dd', {}, clock(p.computedAt)),
      el('dt', {}, 'applied'), el('dd', { class: 'applied' }, p.appliedAt
        ? [clock(p.appliedAt), ' by ', p.approvedBy || '?', p.appliedHosts && p.appliedHosts.length
          ? ' (hosts ' + p.appliedHosts.join(', ') + ')' : '']
        : 'not yet')),
    el('div', { class: 'toolbar' }, apply, toggle),
    planText(p.text),
    plan.json ? el('pre', { class: 'data json' }, JSON.stringify(p.json, null, 2)) : null);
}

registerView('plan', {
  show(section, arg) {
    plan.section = section;
    plan.id = arg;
    plan.json = false;
    section.replaceChildren(el('h2', {}, el('a', { href: '#plans' }, 'Plans'), ' / ', el('span', { class: 'mono' }, arg)));
    loadPlan();
    plan.live = follow('', (e) => {
      if (isPlanEvent(e) && e.data && e.data.planId === plan.id) {
        reloadPlan();
      }
    });
  },
  hide() {
    if (plan.live) {
      plan.live.close();
      plan.live = null;
    }
    plan.id = null;
  },
});
