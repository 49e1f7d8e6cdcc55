// Install: packages × peers matrix of what the peers really have installed (whoever installed
// it) and the packages this gateway stores; install a stored package on the selected peers and
// follow the operation's per-peer steps. A package a peer has but the gateway does not store is
// marked so: upload it under Packages to install it on more peers.
import { get, api, seg, isUnavailable } from '../api.js';
import { h, replace, card, errorSlot, errorBox, notAvailable, busy, badge } from '../ui.js';
import { followOperation } from './operation.js';

export default async function render(main, ctx) {
  replace(main, h('h1', {}, 'Install'));
  let net, pkgs;
  try {
    [net, pkgs] = await Promise.all([get('/network'), get('/packages?limit=200')]);
  } catch (err) {
    if (isUnavailable(err)) { main.append(notAvailable('Installing packages on peers')); return; }
    throw err;
  }
  if (ctx.signal.aborted) return;
  const { byPeer: installed, seen } = await installedByPeer(net.peers);
  const stored = new Set(pkgs.items.map((p) => p.packageId));
  const rowsData = [...pkgs.items.map((p) => ({ packageId: p.packageId, label: p.label, stored: true })),
    ...[...seen.values()].filter((p) => !stored.has(p.packageId)).map((p) => ({ ...p, stored: false }))];
  if (!rowsData.length) {
    main.append(h('p', { class: 'muted', id: 'install-empty' }, 'No package stored here and none installed on the peers: upload one under Packages first.'));
    return;
  }
  const mayActFor = (msp) => ctx.me.role === 'admin' || (ctx.me.role === 'operator' && ctx.me.orgs.includes(msp));
  const progress = h('div', { id: 'install-progress', 'aria-live': 'polite' });
  const slot = errorSlot();
  slot.id = 'install-error';
  const boxes = [];
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Package'), net.peers.map((p) =>
    h('th', { scope: 'col' }, h('div', {}, p.name), h('div', { class: 'muted small' }, p.mspId))));
  const rows = rowsData.map((pkg) => h('tr', { dataset: { packageId: pkg.packageId, stored: String(pkg.stored) } },
    h('th', { scope: 'row' }, pkg.label, h('div', { class: 'muted small break' }, pkg.packageId),
      references(seen.get(pkg.packageId)?.references),
      pkg.stored ? null : h('div', { class: 'small warnings not-stored' }, 'Not stored in this gateway: ',
        h('a', { href: '#/packages' }, 'upload it'), ' to install it on more peers.')),
    net.peers.map((peer) => {
      const inst = installed.get(peer.name);
      if (inst instanceof Error) return h('td', { 'data-label': peer.name }, badge('unknown', 'unknown'));
      if (inst?.has(pkg.packageId)) return h('td', { 'data-label': peer.name }, badge('ok', 'installed'));
      if (!pkg.stored) return h('td', { 'data-label': peer.name }, h('span', { class: 'muted small' }, 'not installed'));
      const cb = h('input', { type: 'checkbox', 'aria-label': `Install ${pkg.label} on ${peer.name}`, disabled: !mayActFor(peer.mspId),
        dataset: { peer: peer.name, packageId: pkg.packageId } });
      boxes.push(cb);
      return h('td', { 'data-label': peer.name }, h('label', { class: 'check' }, cb, ' select'));
    })));
  const button = h('button', { type: 'button', class: 'primary', id: 'install-selected' }, 'Install on selected peers');
  button.addEventListener('click', () => busy(button, slot, async () => {
    const chosen = boxes.filter((b) => b.checked);
    if (!chosen.length) throw new Error('select at least one package/peer cell first');
    const byPackage = new Map();
    for (const b of chosen) byPackage.set(b.dataset.packageId, [...(byPackage.get(b.dataset.packageId) || []), b.dataset.peer]);
    progress.replaceChildren();
    const results = await Promise.all([...byPackage].map(async ([packageId, peers]) => {
      const box = h('div', { class: 'op-slot' });
      progress.append(box);
      try {
        const res = await api('POST', '/installs', { packageId, peers });
        return await followOperation(res.operation?.id ?? res.id, box, ctx.signal);
      } catch (err) { replace(box, errorBox(err)); return null; }
    }));
    if (results.every((op) => op?.state === 'succeeded') && !ctx.signal.aborted) {
      progress.append(h('p', { class: 'success' }, 'Installed. ', h('button', { type: 'button', class: 'small', onclick: () => ctx.navigate('#/install') }, 'Refresh the matrix')));
    }
  }));
  const legend = h('p', { class: 'muted' }, 'Tick the cells to install; cells you may not act for are disabled (operators act for their organizations only).');
  main.append(card('Packages on peers', legend,
    h('div', { class: 'table-wrap' }, h('table', { class: 'matrix', id: 'install-matrix' }, h('thead', {}, head), h('tbody', {}, rows))),
    h('div', { class: 'actions' }, button), slot, progress));
}

/** Each peer's installed package IDs (or its error), and every installed package seen, with
 *  the definitions that reference it. */
async function installedByPeer(peers) {
  const byPeer = new Map();
  const seen = new Map();
  await Promise.all(peers.map(async (p) => {
    try {
      const res = await get(`/peers/${seg(p.name)}/installed`);
      byPeer.set(p.name, new Set(res.items.map((i) => i.packageId)));
      for (const i of res.items) {
        const known = seen.get(i.packageId) || { packageId: i.packageId, label: i.label, references: [] };
        for (const r of i.references || []) {
          if (!known.references.some((k) => k.channel === r.channel && k.chaincode === r.chaincode && k.version === r.version)) known.references.push(r);
        }
        seen.set(i.packageId, known);
      }
    } catch (err) { byPeer.set(p.name, err); }
  }));
  return { byPeer, seen };
}

function references(refs) {
  if (!refs?.length) return null;
  return h('div', { class: 'muted small' }, 'Used by ', refs.map((r) => `${r.chaincode} ${r.version} on ${r.channel}`).join(', '));
}
