// The dashboard's frame: log in with a token, ask the planner who that is, then route #view[/arg] to the views.
// Each view is its own module (fleet.js, plans.js, events.js, topics.js, templates.js, sessions.js) and registers
// itself with common.js's registerView.
import { api, clearMessage, el, message, registerView, session, setToken, token, view, whenUnauthorized }
  from './common.js';

const MODULES = ['fleet', 'plans', 'events', 'topics', 'templates', 'sessions'];
// A view reached only through another one: #host/<name> from the fleet, #plan/<id> from the plans.
const SUBVIEWS = { host: 'fleet', plan: 'plans' };

let current = null;

async function loadViews() {
  for (const name of MODULES) {
    try {
      await import('./' + name + '.js');
    } catch (e) {
      console.error('view ' + name + ' did not load', e);
    }
  }
}

function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  const slash = hash.indexOf('/');
  let name = slash < 0 ? hash : hash.slice(0, slash);
  const arg = slash < 0 ? null : hash.slice(slash + 1);
  if (!view(name)) {
    name = view('fleet') ? 'fleet' : MODULES.find((m) => view(m));
    if (!name) {
      message('no view of the dashboard loaded (see the browser console)', 'error');
      return;
    }
  }
  if (current && current.name === name && current.arg === arg) {
    return;
  }
  if (current) {
    try {
      view(current.name).hide();
    } catch (e) {
      console.error(e);
    }
    document.getElementById('view-' + current.name).hidden = true;
  }
  current = { name, arg };
  const tab = SUBVIEWS[name] || name;
  for (const a of document.querySelectorAll('#tabs a')) {
    a.classList.toggle('active', a.dataset.view === tab);
  }
  const section = document.getElementById('view-' + name);
  section.hidden = false;
  view(name).show(section, arg);
}

function showLogin(why) {
  if (current) {
    try {
      view(current.name).hide();
    } catch (e) {
      console.error(e);
    }
    document.getElementById('view-' + current.name).hidden = true;
    current = null;
  }
  setToken(null);
  document.getElementById('tabs').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  document.getElementById('login').hidden = false;
  document.getElementById('token').focus();
  if (why) {
    message(why, 'error');
  }
}

async function start() {
  try {
    const me = await api('/api/v1/whoami');
    Object.assign(session, me);
  } catch (e) {
    showLogin(e.message);
    return;
  }
  clearMessage();
  document.getElementById('login').hidden = true;
  document.getElementById('tabs').hidden = false;
  document.getElementById('logout').hidden = false;
  const who = document.getElementById('who');
  // el() skips null children; replaceChildren would print them as "null".
  who.replaceChildren(el('span', {}, el('span', { class: 'name' }, session.name), ' ',
    el('span', { class: 'roles' }, session.roles.join(', ')),
    session.hosts.length ? el('span', { class: 'scope' }, ' hosts ' + session.hosts.join(',')) : null));
  route();
}

whenUnauthorized((why) => showLogin(why));

document.getElementById('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('token');
  setToken(input.value.trim());
  input.value = '';
  start();
});

document.getElementById('logout').addEventListener('click', () => showLogin(null));
window.addEventListener('hashchange', () => {
  if (token()) {
    route();
  }
});

// A token may also come in the URL's fragment (#token=…, never sent to a server); it is moved to the tab's storage
// and taken out of the address bar at once.
if (location.hash.startsWith('#token=')) {
  setToken(decodeURIComponent(location.hash.slice('#token='.length)));
  history.replaceState(null, '', location.pathname + location.search + '#fleet');
}

await loadViews();
if (token()) {
  start();
} else {
  showLogin(null);
}

