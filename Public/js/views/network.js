// Network: organizations, peers (live reachability and heights), orderers, channels with
// their LifecycleEndorsement policy in words.
import { get, seg, isUnavailable } from '../api.js';
import { h, replace, card, table, badge, errorBox, notAvailable } from '../ui.js';
import { describePolicy } from '../policy.js';

export default async function render(main, { signal }) {
  replace(main, h('h1', {}, 'Network'));
  let net;
  try {
    net = await get('/network');
  } catch (err) {
    if (isUnavailable(err)) { main.append(notAvailable('The network view')); return; }
    throw err;
  }
  if (signal.aborted) return;
  const peersSlot = h('div', {}, h('p', { class: 'muted' }, 'Asking the peers…'));
  const channelsSlot = h('div', {}, h('p', { class: 'muted' }, 'Reading channel configurations…'));
  main.append(
    card('Organizations', table(['MSP ID', 'Name', 'Admin identity', 'Client identity', 'Peers'],
      net.organizations.map((o) => [o.mspId, o.name, o.hasAdminIdentity ? badge('ok', 'yes') : badge('no', 'no'),
        o.hasClientIdentity ? badge('ok', 'yes') : badge('no', 'no'), o.peers.join(', ')]), { caption: 'Organizations' })),
    card('Peers', peersSlot),
    card('Orderers', table(['Name', 'MSP ID', 'Address'], net.orderers.map((o) => [o.name, o.mspId, h('code', {}, o.address)]))),
    card('Channels', channelsSlot));
  await Promise.all([loadPeers(peersSlot, net), loadChannels(channelsSlot, net)]);
}

async function loadPeers(slot, net) {
  let peers;
  try {
    peers = (await get('/peers')).items;
  } catch (err) {
    replace(slot, isUnavailable(err) ? notAvailable('Live peer status') : errorBox(err),
      table(['Name', 'MSP ID', 'Address'], net.peers.map((p) => [p.name, p.mspId, h('code', {}, p.address)])));
    return;
  }
  replace(slot, table(['Name', 'MSP ID', 'Address', 'Status', 'Channels (height)'], peers.map((p) => [
    p.name, p.mspId, h('code', {}, p.address),
    p.reachable ? badge('ok', 'reachable') : h('span', {}, badge('failed', 'unreachable'), p.error ? h('div', { class: 'small error-text' }, p.error) : null),
    (p.channels || []).map((c) => h('div', {}, `${c.name}: ${c.height}`)),
  ])));
}

async function loadChannels(slot, net) {
  const rows = await Promise.all(net.channels.map(async (name) => {
    try {
      const ch = await get(`/channels/${seg(name)}`);
      const lep = ch.lifecycleEndorsementPolicy;
      return [h('a', { href: `#/chaincodes?channel=${encodeURIComponent(name)}` }, name), (ch.organizations || []).join(', '),
        h('div', {}, h('div', {}, describePolicy(lep)), h('code', { class: 'small' }, lep?.text || '')),
        ch.endorsementPolicy ? h('div', {}, describePolicy(ch.endorsementPolicy)) : '—'];
    } catch (err) {
      return [name, '', isUnavailable(err) ? 'not available on this gateway' : errorBox(err), ''];
    }
  }));
  replace(slot, rows.length ? table(['Channel', 'Organizations', 'Lifecycle endorsement', 'Default endorsement'], rows)
    : h('p', { class: 'muted' }, 'No channels configured.'));
}
