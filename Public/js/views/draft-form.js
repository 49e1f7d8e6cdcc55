// The draft definition form: version, sequence, endorsement policy (checked as typed),
// collections JSON, init-required, auto-commit. Submits PUT …/draft.
import { api, seg } from '../api.js';
import { h, card, field, errorSlot, busy } from '../ui.js';
import { checkPolicy, describePolicy } from '../policy.js';

const policyText = (p) => (typeof p === 'string' ? p : p?.text || '');

/** `base`: the draft, else the committed definition (upgrade), else nothing (first definition). */
export function draftForm({ channel, name, committed, draft, onSaved }) {
  const base = draft || committed || {};
  const nextSequence = draft ? draft.sequence : (committed ? committed.sequence + 1 : 1);
  const f = {
    version: h('input', { id: 'draft-version', required: true, value: base.version || '1.0', spellcheck: 'false' }),
    sequence: h('input', { id: 'draft-sequence', type: 'number', min: 1, required: true, value: String(nextSequence) }),
    policy: h('input', { id: 'draft-policy', value: policyText(base.endorsementPolicy), spellcheck: 'false',
      placeholder: "e.g. OR('Org1MSP.peer','Org2MSP.peer'); empty = channel default" }),
    collections: h('textarea', { id: 'draft-collections', rows: 4, spellcheck: 'false', placeholder: '[] (peer CLI collections config)',
      value: base.collections && (!Array.isArray(base.collections) || base.collections.length) ? JSON.stringify(base.collections, null, 2) : '' }),
    initRequired: h('input', { id: 'draft-init-required', type: 'checkbox', checked: !!base.initRequired }),
    autoCommit: h('input', { id: 'draft-auto-commit', type: 'checkbox', checked: !!draft?.autoCommit }),
  };
  const policyCheck = h('div', { id: 'draft-policy-check', class: 'hint', 'aria-live': 'polite' });
  const collectionsCheck = h('div', { id: 'draft-collections-check', class: 'hint', 'aria-live': 'polite' });
  f.policy.setAttribute('aria-describedby', policyCheck.id);
  const checkAll = () => {
    const problem = checkPolicy(f.policy.value);
    policyCheck.className = problem ? 'hint error-text' : 'hint';
    policyCheck.textContent = problem ? `Syntax: ${problem}` : (f.policy.value.trim() ? `Means: ${describePolicy(f.policy.value.trim())}` : 'Empty: the channel\'s default endorsement policy.');
    f.policy.setCustomValidity(problem || '');
    let cproblem = '';
    if (f.collections.value.trim()) {
      try {
        if (!Array.isArray(JSON.parse(f.collections.value))) cproblem = 'must be a JSON array of collection configs';
      } catch (e) { cproblem = `not valid JSON: ${e.message}`; }
    }
    collectionsCheck.className = cproblem ? 'hint error-text' : 'hint';
    collectionsCheck.textContent = cproblem || 'JSON array as for peer lifecycle chaincode --collections-config; empty = none.';
    f.collections.setCustomValidity(cproblem);
    return !problem && !cproblem;
  };
  f.policy.addEventListener('input', checkAll);
  f.collections.addEventListener('input', checkAll);
  checkAll();
  const slot = errorSlot();
  slot.id = 'draft-error';
  const button = h('button', { type: 'submit', class: 'primary', id: 'draft-save' }, draft ? 'Save draft' : (committed ? 'Save upgrade draft' : 'Save draft'));
  const form = h('form', { id: 'draft-form', novalidate: true },
    h('div', { class: 'grid2' }, field('Version', f.version), field('Sequence', f.sequence, committed ? `Committed sequence is ${committed.sequence}.` : 'First definition: 1.')),
    field('Endorsement policy', f.policy), policyCheck,
    field('Private data collections (JSON)', f.collections), collectionsCheck,
    h('label', { class: 'check' }, f.initRequired, ' Init required (the first transaction must be an Init)'),
    h('label', { class: 'check' }, f.autoCommit, ' Commit automatically once enough organizations have approved (approvals made anywhere count)'),
    committed && !draft ? h('p', { class: 'hint', id: 'draft-package-hint' },
      `Each organization's package carries over from what it approved for sequence ${committed.sequence}; `
      + 'the draft card shows each one and where it came from, and you choose per organization when approving.') : null,
    h('div', { class: 'actions' }, button), slot);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!checkAll()) { slot.show(new Error('fix the highlighted fields first')); return; }
    const body = { version: f.version.value.trim(), initRequired: f.initRequired.checked, autoCommit: f.autoCommit.checked };
    // The server's default is committed + 1: send the sequence only when it differs.
    const sequence = Number(f.sequence.value);
    if (sequence !== (committed ? committed.sequence + 1 : 1)) body.sequence = sequence;
    if (f.policy.value.trim()) body.endorsementPolicy = f.policy.value.trim();
    body.collections = f.collections.value.trim() ? JSON.parse(f.collections.value) : [];
    busy(button, slot, async () => {
      const saved = await api('PUT', `/channels/${seg(channel)}/chaincodes/${seg(name)}/draft`, body);
      await onSaved(saved);
    });
  });
  const title = draft ? `Edit the draft (sequence ${draft.sequence})` : committed ? `Upgrade to sequence ${nextSequence}` : 'Define the chaincode';
  return card(title, form);
}
