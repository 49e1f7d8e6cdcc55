// One chaincode on one channel: the committed definition, the draft with every org's
// approval state, approve buttons (with a package per org), commit when ready.
import { get, api, seg, isUnavailable } from '../api.js';
import { h, replace, card, errorBox, errorSlot, notAvailable, busy, badge, dl, pretty } from '../ui.js';
import { describePolicy } from '../policy.js';
import { draftForm } from './draft-form.js';
import { pendingCard } from './pending-card.js';
import { deploymentCard } from './deployment-card.js';

const STATE_TEXT = { approved: 'approved', 'approved-different': 'approved a different definition', 'not-approved': 'not yet approved' };

export default async function renderDetail(root, ctx, flash) {
  const { channel, name } = ctx;
  const base = `/channels/${seg(channel)}/chaincodes/${seg(name)}`;
  let info;
  try {
    info = await get(base);
  } catch (err) {
    if (isUnavailable(err)) { replace(root, notAvailable('Chaincode definitions')); return; }
    if (err.status !== 404) throw err;
    info = { committed: null, draft: null, pending: null };
  }
  if (ctx.signal.aborted) return;
  const { committed, draft, pending } = info;
  const refresh = (message) => renderDetail(root, ctx, message);
  replace(root, h('h2', { class: 'page-sub' }, `${name} on ${channel}`), flash || null);
  if (committed) root.append(committedCard(committed, () => document.getElementById('draft-version')?.focus()));
  else root.append(h('p', { class: 'muted', id: 'not-committed' }, 'Not committed on this channel yet.'));
  if (pending) root.append(pendingCard({ ctx, base, pending, draft, refresh }));
  if (draft) root.append(await draftCard({ ctx, base, draft, refresh }));
  const deployment = await deploymentCard({ ctx, base, refresh });
  if (deployment && !ctx.signal.aborted) root.append(deployment);
  root.append(draftForm({ channel, name, committed, draft, onSaved: () => refresh(h('p', { class: 'success' }, 'Draft saved.')) }));
}

function definitionPairs(d) {
  return [['Version', d.version], ['Sequence', String(d.sequence)],
    ['Endorsement policy', policyCell(d.endorsementPolicy)],
    ['Init required', d.initRequired ? 'yes' : 'no'],
    d.endorsementPlugin ? ['Endorsement plugin', d.endorsementPlugin] : null,
    d.validationPlugin ? ['Validation plugin', d.validationPlugin] : null,
    ['Collections', d.collections && (!Array.isArray(d.collections) || d.collections.length) ? pretty(d.collections) : 'none']];
}

function policyCell(p) {
  const text = p?.text ?? p ?? '';
  const words = describePolicy(p);
  return h('span', {}, words, words.includes(text) ? null : h('div', {}, h('code', { class: 'small' }, text)));
}

function committedCard(c, onUpgrade) {
  const up = h('button', { type: 'button', id: 'upgrade', onclick: onUpgrade }, `Upgrade (next sequence ${c.sequence + 1})`);
  return h('section', { class: 'card', id: 'committed-card' }, h('h2', {}, 'Committed definition'), dl([
    ...definitionPairs(c),
    ['Approvals', Object.entries(c.approvals || {}).map(([m, ok]) => h('div', {}, badge(ok ? 'approved' : 'not-approved', ok ? 'approved' : 'no'), ` ${m}`))],
  ]), h('div', { class: 'actions' }, up));
}

async function draftCard({ ctx, base, draft, refresh }) {
  const autoCommit = draft.autoCommit
    ? ['Auto-commit', h('span', { id: 'draft-auto-commit-state' }, 'on', draft.autoCommitNote ? h('div', { class: 'hint error-text' }, draft.autoCommitNote) : null)]
    : null;
  const el = h('section', { class: 'card draft-card', id: 'draft-card' }, h('h2', {}, `Draft: version ${draft.version}, sequence ${draft.sequence}`),
    dl([...definitionPairs(draft), autoCommit]));
  let approvals = null;
  try {
    approvals = await get(`${base}/approvals`);
  } catch (err) {
    el.append(isUnavailable(err) ? notAvailable('Approval status') : errorBox(err));
  }
  const pkgs = await get('/packages?limit=200').then((p) => p.items, () => []);
  const orgs = ctx.net.organizations;
  const mayActFor = (msp) => ctx.me.role === 'admin' || (ctx.me.role === 'operator' && (ctx.me.orgs || []).includes(msp));
  const stateOf = (msp) => approvals?.orgs.find((o) => o.mspId === msp);
  const rows = (approvals?.orgs.length ? approvals.orgs.map((o) => o.mspId) : orgs.map((o) => o.mspId)).map((msp) => {
    const st = stateOf(msp);
    const org = orgs.find((o) => o.mspId === msp);
    return approvalRow({ msp, st, org, pkgs, draft, canAct: mayActFor(msp) && org?.hasAdminIdentity !== false, base, refresh });
  });
  el.append(h('h3', {}, 'Approvals'), h('ul', { class: 'approvals', id: 'approvals' }, rows));
  if (approvals) {
    el.append(h('p', { id: 'approvals-summary' }, approvals.ready
      ? h('span', {}, badge('ok', 'ready'), ' Enough organizations approved: the definition can be committed.')
      : h('span', {}, badge('pending', 'not ready'), ` Still needed: ${approvals.missing.join(', ') || '—'}`),
    approvals.policy?.text ? h('span', { class: 'muted small' }, ` (LifecycleEndorsement: ${describePolicy(approvals.policy)})`) : null));
  }
  const slot = errorSlot();
  slot.id = 'commit-error';
  const result = h('div', { id: 'commit-result', 'aria-live': 'polite' });
  const canCommit = approvals?.ready && orgs.some((o) => mayActFor(o.mspId));
  const commit = h('button', { type: 'button', class: 'primary', id: 'commit', disabled: !canCommit }, 'Commit definition');
  // Committing a definition no approving org runs a package for stops the chaincode: say so
  // first, and commit only once the person ticks that they mean it (allowNoPackage).
  let stopOk = null;
  if (approvals?.wouldStopChaincode) {
    stopOk = h('input', { type: 'checkbox', id: 'commit-no-package-ok' });
    commit.disabled = true;
    stopOk.addEventListener('change', () => { commit.disabled = !canCommit || !stopOk.checked; });
    el.append(h('div', { class: 'warning', id: 'would-stop-warning' },
      'Every organization that approved this definition approved it without a package: once committed, no peer can run the chaincode. ',
      h('label', {}, stopOk, ' Commit anyway')));
  }
  commit.addEventListener('click', () => busy(commit, slot, async () => {
    const r = await api('POST', `${base}/commit`, stopOk?.checked ? { allowNoPackage: true } : {});
    await refresh(h('p', { class: 'success', id: 'commit-success' }, `Committed: tx ${r.txId}, block ${r.blockNumber}, ${r.validationCode}`));
  }).then(() => { if (!approvals?.ready) commit.disabled = true; }));
  el.append(h('div', { class: 'actions' }, commit), slot, result);
  return el;
}

const SOURCE_TEXT = {
  request: () => 'set in the draft',
  'previous-draft': (s) => `kept from the draft of sequence ${s.sequence}`,
  block: (s) => `carried over: approved for sequence ${s.sequence} (block ${s.blockNumber})`,
  peer: (s) => `carried over: approved for sequence ${s.sequence}, as ${s.peer} reports`,
};

/** Where the draft's package for `msp` came from, and whether the org's peers have it installed. */
function packageSourceLine(msp, draft) {
  const id = draft.packageIds?.[msp];
  const src = draft.packageSources?.[msp];
  if (id === undefined && !src) return null;
  const parts = [id === null ? 'No package (explicit).' : `Package ${id}`];
  if (src && SOURCE_TEXT[src.kind]) parts.push(`— ${SOURCE_TEXT[src.kind](src)}`);
  if (src?.installed === true) parts.push('· installed on its peers');
  const warn = src?.installed === false || src?.note;
  return h('div', { class: `small ${warn ? 'error-text' : 'muted'}`, id: `package-source-${msp}` }, parts.join(' '), src?.note ? ` (${src.note})` : null);
}

function approvalRow({ msp, st, org, pkgs, draft, canAct, base, refresh }) {
  const state = st?.state || 'not-approved';
  const li = h('li', { class: `approval approval-${state}`, dataset: { msp, state } },
    h('div', { class: 'approval-head' }, h('strong', {}, msp), ' ', badge(state, STATE_TEXT[state] || state),
      st?.source?.txId ? h('span', { class: 'muted small' }, ` tx ${st.source.txId.slice(0, 12)}…`) : null));
  if (st?.differences?.length) {
    li.append(h('table', { class: 'diff' }, h('thead', {}, h('tr', {}, h('th', {}, 'Field'), h('th', {}, 'Draft'), h('th', {}, `${msp} approved`))),
      h('tbody', {}, st.differences.map((d) => h('tr', { class: 'differs' }, h('td', {}, h('mark', {}, d.field)),
        h('td', {}, fmt(d.expected)), h('td', {}, h('mark', {}, fmt(d.actual))))))));
  }
  if (st && 'packageId' in st) {
    li.append(h('div', { class: 'muted small', id: `approved-package-${msp}` },
      st.packageId ? `Its approval names package ${st.packageId}` : 'Its approval names no package: its peers cannot run this definition'));
  }
  li.append(packageSourceLine(msp, draft) || '');
  if (!canAct) {
    if (org && !org.hasAdminIdentity) li.append(h('div', { class: 'muted small' }, 'The gateway holds no admin identity for this organization.'));
    return li;
  }
  const drafted = draft.packageIds?.[msp];
  // The draft's package may be one this gateway does not store (installed by another tool, carried over from the chain).
  const stored = pkgs.some((p) => p.packageId === drafted);
  const pick = h('select', { id: `package-for-${msp}`, 'aria-label': `Package ${msp} approves` },
    h('option', { value: '' }, '(no package: approve without one)'),
    drafted && !stored ? h('option', { value: drafted, selected: true }, `${drafted.slice(0, 40)}… (from the draft; not stored here)`) : null,
    pkgs.map((p) => h('option', { value: p.packageId, selected: drafted === p.packageId }, `${p.label} — ${p.packageId.slice(0, 24)}…`)));
  if (drafted === undefined && pkgs.length) {
    const lastLabel = pkgs.find((p) => p.label.startsWith(`${base.split('/').pop()}`)) || pkgs[0];
    pick.value = lastLabel.packageId;
  }
  const slot = errorSlot();
  slot.id = `approve-error-${msp}`;
  const button = h('button', { type: 'button', class: 'primary small', id: `approve-${msp}` }, state === 'approved' ? `Approve again as ${msp}` : `Approve as ${msp}`);
  // Without a package the org's peers stop running the chaincode once this definition is
  // committed: warn before the button acts, and approve only once the person ticks it.
  const noPackageOk = h('input', { type: 'checkbox', id: `no-package-ok-${msp}` });
  const warning = h('div', { class: 'warning', id: `no-package-warning-${msp}`, hidden: true },
    `Approving without a package: once this definition is committed, ${msp}'s peers cannot run the chaincode. `,
    h('label', {}, noPackageOk, ' Approve without a package'));
  const sync = () => {
    warning.hidden = pick.value !== '';
    button.disabled = pick.value === '' && !noPackageOk.checked;
  };
  pick.addEventListener('change', sync);
  noPackageOk.addEventListener('change', sync);
  sync();
  button.addEventListener('click', () => busy(button, slot, async () => {
    const body = pick.value ? { orgs: [msp], packageIds: { [msp]: pick.value } } : { orgs: [msp], packageIds: { [msp]: null }, allowNoPackage: true };
    const res = await api('POST', `${base}/approvals`, body);
    const r = res.results?.find((x) => x.mspId === msp) || res.results?.[0];
    if (r?.error) throw typeof r.error === 'string' ? new Error(r.error) : Object.assign(new Error(r.error.message), r.error);
    await refresh(h('p', { class: 'success' }, `${msp} approved: tx ${r?.txId}, block ${r?.blockNumber}, ${r?.validationCode}`));
  }));
  li.append(h('div', { class: 'approve-controls' }, pick, button), warning, slot);
  return li;
}

function fmt(v) {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
