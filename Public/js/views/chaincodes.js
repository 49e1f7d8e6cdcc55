// Chaincodes: pick a channel, list its committed definitions, open one (or a new name) to
// work on its draft, approvals and commit.
import { get, seg, isUnavailable } from '../api.js';
import { h, replace, card, table, errorBox, notAvailable, field, badge } from '../ui.js';
import { describePolicy } from '../policy.js';
import renderDetail from './chaincode-detail.js';

export const chaincodeHash = (channel, name) =>
  `#/chaincodes?channel=${encodeURIComponent(channel)}${name ? `&name=${encodeURIComponent(name)}` : ''}`;

export default async function render(main, ctx) {
  replace(main, h('h1', {}, 'Chaincodes'));
  let net;
  try {
    net = await get('/network');
  } catch (err) {
    if (isUnavailable(err)) { main.append(notAvailable('Chaincode definitions')); return; }
    throw err;
  }
  if (ctx.signal.aborted) return;
  const channel = ctx.params.get('channel') || net.channels[0];
  if (!channel) { main.append(h('p', { class: 'muted' }, 'No channels configured.')); return; }
  const select = h('select', { id: 'channel-select' }, net.channels.map((c) => h('option', { value: c, selected: c === channel }, c)));
  select.addEventListener('change', () => ctx.navigate(chaincodeHash(select.value)));
  main.append(h('div', { class: 'toolbar' }, field('Channel', select)));
  const name = ctx.params.get('name');
  if (name) {
    main.append(h('p', {}, h('a', { href: chaincodeHash(channel) }, `← Chaincodes on ${channel}`)));
    const detail = h('div', { id: 'chaincode-detail' });
    main.append(detail);
    await renderDetail(detail, { ...ctx, channel, name, net });
    return;
  }
  const listSlot = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const nameInput = h('input', { id: 'new-chaincode-name', required: true, pattern: '[A-Za-z0-9_][A-Za-z0-9_.+-]*', placeholder: 'basic', spellcheck: 'false' });
  const form = h('form', { class: 'inline-form', id: 'open-chaincode' }, field('Chaincode name', nameInput),
    h('button', { type: 'submit', class: 'primary' }, 'Open / define'));
  form.addEventListener('submit', (e) => { e.preventDefault(); ctx.navigate(chaincodeHash(channel, nameInput.value.trim())); });
  main.append(card(`Committed on ${channel}`, listSlot), card('Define or upgrade a chaincode', form));
  try {
    const res = await get(`/channels/${seg(channel)}/chaincodes`);
    replace(listSlot, res.items.length ? table(['Name', 'Version', 'Sequence', 'Endorsement', 'Init required', 'Approvals'],
      res.items.map((d) => [h('a', { href: chaincodeHash(channel, d.name) }, d.name), d.version, String(d.sequence),
        describePolicy(d.endorsementPolicy), d.initRequired ? 'yes' : 'no',
        Object.entries(d.approvals || {}).map(([msp, ok]) => h('div', {}, badge(ok ? 'approved' : 'not-approved', ok ? 'approved' : 'not approved'), ` ${msp}`))]),
    { class: 'committed' }) : h('p', { class: 'muted' }, 'No chaincode committed on this channel yet.'));
  } catch (err) {
    replace(listSlot, isUnavailable(err) ? notAvailable('Committed chaincode definitions') : errorBox(err));
  }
}
