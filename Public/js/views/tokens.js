// API tokens (admins): create (the token is shown once), list, revoke.
import { get, api, seg } from '../api.js';
import { h, replace, card, table, field, errorSlot, busy, badge, fmtTime, copyButton } from '../ui.js';

export default async function render(main, ctx) {
  replace(main, h('h1', {}, 'API tokens'));
  const f = {
    name: h('input', { id: 'token-name', required: true, spellcheck: 'false' }),
    role: h('select', { id: 'token-role' }, ['viewer', 'operator', 'admin'].map((r) => h('option', { value: r }, r))),
    orgs: h('input', { id: 'token-orgs', placeholder: 'Org1MSP, Org2MSP', spellcheck: 'false' }),
  };
  const slot = errorSlot();
  slot.id = 'token-error';
  const created = h('div', { id: 'token-created', 'aria-live': 'polite' });
  const list = h('div', { id: 'token-list' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'token-create' }, 'Create token');
  const form = h('form', { id: 'token-form', class: 'filters' }, field('Name', f.name), field('Role', f.role),
    field('Organizations (operators)', f.orgs), button);
  const listSlot = errorSlot();
  const reload = async () => {
    const res = await get('/tokens');
    replace(list, table(['Name', 'Role', 'Orgs', 'Created', 'Last used', 'State', ''], res.items.map((t) => {
      const revoke = h('button', { type: 'button', class: 'danger small', 'aria-label': `Revoke token ${t.name}`,
        disabled: !!t.revokedAt || t.tokenId === ctx.me.tokenId }, 'Revoke');
      revoke.addEventListener('click', () => {
        if (confirm(`Revoke token '${t.name}'?`)) busy(revoke, listSlot, async () => { await api('DELETE', `/tokens/${seg(t.tokenId)}`); await reload(); });
      });
      return [t.name, t.role, (t.orgs || []).join(', '), fmtTime(t.createdAt), fmtTime(t.lastUsedAt) || 'never',
        t.revokedAt ? badge('failed', 'revoked') : badge('ok', 'active'), revoke];
    })));
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    created.replaceChildren();
    const orgs = f.orgs.value.split(',').map((s) => s.trim()).filter(Boolean);
    busy(button, slot, async () => {
      const t = await api('POST', '/tokens', { name: f.name.value.trim(), role: f.role.value, orgs });
      replace(created, h('div', { class: 'success' }, h('p', {}, `Token for '${t.name}' (${t.role}). Store it now: it is not shown again.`),
        h('pre', { class: 'code break', id: 'token-value' }, t.token), copyButton(t.token, 'Copy token')));
      form.reset();
      await reload();
    });
  });
  main.append(card('New token', form, slot, created), card('Tokens', list, listSlot));
  await reload();
}
