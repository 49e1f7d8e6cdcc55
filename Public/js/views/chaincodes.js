// Chaincodes: pick a channel, list its chaincodes (committed, and pending: approved by some
// organization for the next sequence, made anywhere), a chaincodes x organizations grid of what
// the consortium is waiting for, and open one (or a new name) to work on its draft.
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
  const gridSlot = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  main.append(card(`Chaincodes on ${channel}`, listSlot), card('What the consortium is waiting for', gridSlot),
    card('Define or upgrade a chaincode', form));
  try {
    const res = await get(`/channels/${seg(channel)}/chaincodes`);
    replace(listSlot, res.items.length ? chaincodeTable(channel, res.items)
      : h('p', { class: 'muted' }, 'No chaincode committed or approved on this channel yet.'));
    replace(gridSlot, consortiumGrid(channel, res.items));
  } catch (err) {
    replace(listSlot, isUnavailable(err) ? notAvailable('Committed chaincode definitions') : errorBox(err));
    gridSlot.replaceChildren();
  }
}

const STATE_WORDS = { approved: 'approved', 'approved-different': 'approved different', 'not-approved': 'not approved', committed: 'committed' };

function chaincodeTable(channel, items) {
  return table(['Name', 'Version', 'Sequence', 'Endorsement', 'Init required', 'Approvals', 'Pending'],
    items.map((d) => [h('a', { href: chaincodeHash(channel, d.name) }, d.name), d.version ?? '—', d.sequence === undefined ? '—' : String(d.sequence),
      d.endorsementPolicy ? describePolicy(d.endorsementPolicy) : '—', d.initRequired === undefined ? '—' : (d.initRequired ? 'yes' : 'no'),
      Object.entries(d.approvals || {}).map(([msp, ok]) => h('div', {}, badge(ok ? 'approved' : 'not-approved', ok ? 'approved' : 'not approved'), ` ${msp}`)),
      pendingCell(d.pending)]),
  { class: 'committed', id: 'chaincode-list' });
}

function pendingCell(p) {
  if (!p) return '—';
  const approved = p.orgs.filter((o) => o.state === 'approved').map((o) => o.mspId);
  return h('div', { class: 'pending', dataset: { sequence: String(p.sequence) } },
    `sequence ${p.sequence}: `, approved.length ? `approved by ${approved.join(', ')}` : 'no organization agrees yet',
    p.variants.length > 1 ? h('div', { class: 'muted small' }, `${p.variants.length} different definitions approved`) : null);
}

/** Chaincodes (rows) by organizations (columns): each cell the org's state for the pending
 *  sequence, or for the committed one when nothing is pending. */
function consortiumGrid(channel, items) {
  const orgs = [...new Set(items.flatMap((d) => [...Object.keys(d.approvals || {}), ...(d.pending?.orgs || []).map((o) => o.mspId)]))].sort();
  if (!items.length || !orgs.length) return h('p', { class: 'muted' }, 'Nothing to show yet.');
  const cell = (d, msp) => {
    const pending = d.pending?.orgs.find((o) => o.mspId === msp);
    const state = pending ? pending.state : (d.approvals?.[msp] ? 'committed' : 'not-approved');
    const seq = pending ? d.pending.sequence : d.sequence;
    return h('td', { class: `grid-cell grid-${state}`, dataset: { msp, state }, 'data-label': msp },
      STATE_WORDS[state], h('div', { class: 'muted small' }, `sequence ${seq}`));
  };
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Chaincode'), orgs.map((m) => h('th', { scope: 'col' }, m)));
  const rows = items.map((d) => h('tr', { dataset: { chaincode: d.name } },
    h('th', { scope: 'row' }, h('a', { href: chaincodeHash(channel, d.name) }, d.name)), orgs.map((m) => cell(d, m))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'matrix grid', id: 'consortium-grid' }, h('thead', {}, head), h('tbody', {}, rows)));
}
