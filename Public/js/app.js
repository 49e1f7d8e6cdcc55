// The dashboard shell: sign-in with an API token, the signed-in identity, navigation and a
// hash router that renders one view at a time into <main>.
import { api, session, ApiError } from './api.js';
import { h, replace, errorBox } from './ui.js';
import network from './views/network.js';
import packages from './views/packages.js';
import install from './views/install.js';
import chaincodes from './views/chaincodes.js';
import consoleView from './views/console.js';
import operations from './views/operations.js';
import audit from './views/audit.js';
import tokens from './views/tokens.js';

const VIEWS = [
  { path: 'network', title: 'Network', render: network },
  { path: 'packages', title: 'Packages', render: packages },
  { path: 'install', title: 'Install', render: install },
  { path: 'chaincodes', title: 'Chaincodes', render: chaincodes },
  { path: 'console', title: 'Console', render: consoleView },
  { path: 'operations', title: 'Operations', render: operations },
  { path: 'audit', title: 'Audit', render: audit, admin: true },
  { path: 'tokens', title: 'Tokens', render: tokens, admin: true },
];

const $ = (id) => document.getElementById(id);
let me = null;
let current = null; // { controller }

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, query = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] || 'network', rest: parts.slice(1), params: new URLSearchParams(query) };
}

export function navigate(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

function showSignIn(message) {
  me = null;
  current?.controller.abort();
  current = null;
  $('shell').hidden = true;
  $('whoami').hidden = true;
  $('signin').hidden = false;
  replace($('signin-error'), message ? errorBox(message) : null);
  $('token').value = '';
  $('token').focus();
}

function renderNav(active) {
  const nav = $('nav');
  replace(nav, h('ul', {}, VIEWS.filter((v) => !v.admin || me.role === 'admin').map((v) =>
    h('li', {}, h('a', { href: `#/${v.path}`, 'aria-current': v.path === active ? 'page' : null, id: `nav-${v.path}` }, v.title)))));
}

async function route() {
  if (!me) return;
  const { view, rest, params } = parseHash();
  const def = VIEWS.find((v) => v.path === view) || VIEWS[0];
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller };
  renderNav(def.path);
  const main = $('main');
  main.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  document.title = `${def.title} · Chaincode Admin Gateway`;
  main.dataset.view = def.path;
  delete main.dataset.ready;
  try {
    await def.render(main, { me, rest, params, signal: controller.signal, navigate });
  } catch (err) {
    if (controller.signal.aborted) return;
    replace(main, h('h1', {}, def.title), errorBox(err));
  }
  if (!controller.signal.aborted) main.dataset.ready = def.path;
}

async function signIn(token) {
  session.set(token);
  try {
    me = await api('GET', '/me');
  } catch (err) {
    session.clear();
    showSignIn(err instanceof ApiError ? err : new ApiError(0, null, String(err)));
    return;
  }
  $('signin').hidden = true;
  $('shell').hidden = false;
  $('whoami').hidden = false;
  replace($('whoami-text'), h('span', { class: 'who-name' }, me.name), ' ',
    h('span', { class: `badge badge-role` }, me.role),
    me.orgs?.length ? h('span', { class: 'who-orgs' }, ` for ${me.orgs.join(', ')}`) : null);
  $('whoami-text').title = `permissions: ${(me.permissions || []).join(', ')}`;
  if (!location.hash) location.replace('#/network');
  await route();
  $('main').focus({ preventScroll: true });
}

function signOut() {
  session.clear();
  history.replaceState(null, '', location.pathname);
  showSignIn(null);
}

function start() {
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    if (t) signIn(t);
  });
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  // Choosing the current view again reloads it.
  $('nav').addEventListener('click', (e) => {
    const a = e.target.closest('a[href^="#/"]');
    if (a && a.getAttribute('href') === location.hash) { e.preventDefault(); route(); }
  });
  window.addEventListener('cgw:unauthorized', () => {
    if (me) { session.clear(); showSignIn(new ApiError(401, null, 'your token was rejected (expired or revoked): sign in again')); }
  });
  if (session.token) signIn(session.token); else showSignIn(null);
}

start();
