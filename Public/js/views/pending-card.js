// The pending definition of a chaincode: what organizations approved for the next sequence
// (with any tool; read from the channel's blocks), each variant compared field by field with
// this gateway's draft, and "review and approve as <org>": adopt a variant as the draft.
import { api } from '../api.js';
import { h, errorSlot, busy, badge } from '../ui.js';
import { describePolicy } from '../policy.js';

const FIELDS = [
  ['Version', (d) => d.version],
  ['Endorsement policy', (d) => d.endorsementPolicy?.text ?? ''],
  ['Init required', (d) => (d.initRequired ? 'yes' : 'no')],
  ['Endorsement plugin', (d) => d.endorsementPlugin || 'escc'],
  ['Validation plugin', (d) => d.validationPlugin || 'vscc'],
  ['Collections', (d) => JSON.stringify(d.collections || [])],
];

export function pendingCard({ ctx, base, pending, draft, refresh }) {
  const mine = (ctx.net.organizations || []).filter((o) => o.hasAdminIdentity !== false
    && (ctx.me.role === 'admin' || (ctx.me.role === 'operator' && (ctx.me.orgs || []).includes(o.mspId)))).map((o) => o.mspId);
  const approvedBy = pending.orgs.filter((o) => o.state !== 'not-approved').map((o) => o.mspId);
  const el = h('section', { class: 'card', id: 'pending-card' },
    h('h2', {}, `Pending: sequence ${pending.sequence}`),
    h('p', {}, `Approved by ${approvedBy.join(', ') || 'nobody yet'}.`),
    h('p', {},
      pending.orgs.map((o) => h('span', { class: 'pending-org' }, ' ', badge(o.state, o.state.replace('-', ' ')), ` ${o.mspId}`))));
  pending.variants.forEach((v, i) => el.append(variantBlock({ v, i, base, pending, draft, mine, refresh })));
  return el;
}

function variantBlock({ v, i, base, pending, draft, mine, refresh }) {
  const d = v.definition;
  const mineApproved = mine.filter((m) => v.orgs.includes(m));
  const rows = FIELDS.map(([label, get]) => {
    const theirs = get(d);
    const ours = draft && draft.sequence === pending.sequence ? get(draft) : null;
    const differs = ours !== null && ours !== theirs;
    return h('tr', { class: differs ? 'differs' : '' }, h('th', { scope: 'row' }, label),
      h('td', {}, differs ? h('mark', {}, theirs) : theirs), draft ? h('td', {}, ours ?? '—') : null);
  });
  const head = h('tr', {}, h('th', {}, 'Field'), h('th', {}, `${v.orgs.join(', ')} approved`), draft ? h('th', {}, 'Your draft') : null);
  const block = h('div', { class: 'variant', id: `variant-${i}`, dataset: { orgs: v.orgs.join(',') } },
    h('h3', {}, `${v.orgs.join(', ')} ${v.orgs.length > 1 ? 'propose' : 'proposes'} this definition`),
    h('p', { class: 'muted small' }, describePolicy(d.endorsementPolicy)),
    h('table', { class: 'diff' }, h('thead', {}, head), h('tbody', {}, rows)));
  const others = mine.filter((m) => !mineApproved.includes(m));
  if (others.length) {
    const slot = errorSlot();
    slot.id = `adopt-error-${i}`;
    const button = h('button', { type: 'button', class: 'primary', id: `adopt-${i}` }, `Review and approve as ${others.join(', ')}: adopt as the draft`);
    button.addEventListener('click', () => busy(button, slot, async () => {
      await api('POST', `${base}/draft/adopt`, { fromOrg: v.orgs[0], sequence: pending.sequence });
      await refresh(h('p', { class: 'success', id: 'adopt-success' },
        `Draft set to what ${v.orgs[0]} approved. Check the package per organization below, then approve.`));
    }));
    block.append(h('div', { class: 'actions' }, button), slot);
  } else if (mineApproved.length) {
    block.append(h('p', { class: 'muted' }, `${mineApproved.join(', ')} approved this definition.`));
  }
  return block;
}
