// Fabric policy text: a client-side syntax check of the signature-policy DSL
// (fabric/common/policydsl: AND, OR, OutOf and 'MSP.role' principals) and plain-words
// descriptions of DSL and implicit-meta policies.

const ROLES = ['member', 'admin', 'client', 'peer', 'orderer'];

function tokenize(text) {
  const tokens = [];
  const re = /\s*(?:(\()|(\))|(,)|('([^']*)'|"([^"]*)")|([A-Za-z]+)|(\d+)|(\S))/y;
  let m;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    m = re.exec(text);
    if (!m) break;
    if (m[0].trim() === '') break;
    if (m[1]) tokens.push({ t: '(', at });
    else if (m[2]) tokens.push({ t: ')', at });
    else if (m[3]) tokens.push({ t: ',', at });
    else if (m[4]) tokens.push({ t: 'str', v: m[5] ?? m[6], at });
    else if (m[7]) tokens.push({ t: 'id', v: m[7], at });
    else if (m[8]) tokens.push({ t: 'num', v: Number(m[8]), at });
    else throw new SyntaxError(`unexpected character '${m[9]}' at position ${at + m[0].indexOf(m[9]) + 1}`);
  }
  return tokens;
}

/** Parses a signature-policy DSL string into a tree; throws SyntaxError with a position. */
export function parsePolicy(text) {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const where = (tok) => (tok ? `at position ${tok.at + 1}` : 'at the end');
  const expect = (t) => {
    const tok = tokens[i++];
    if (!tok || tok.t !== t) throw new SyntaxError(`expected '${t}' ${where(tok)}`);
    return tok;
  };
  function expr() {
    const tok = tokens[i++];
    if (!tok) throw new SyntaxError('the policy is empty or ends too early');
    if (tok.t === 'str') {
      const m = /^([A-Za-z0-9.-]+)\.([A-Za-z]+)$/.exec(tok.v);
      if (!m) throw new SyntaxError(`principal '${tok.v}' ${where(tok)} must look like 'Org1MSP.member'`);
      if (!ROLES.includes(m[2].toLowerCase())) {
        throw new SyntaxError(`unknown role '${m[2]}' ${where(tok)} (one of ${ROLES.join(', ')})`);
      }
      return { kind: 'principal', msp: m[1], role: m[2].toLowerCase() };
    }
    if (tok.t !== 'id') throw new SyntaxError(`expected AND, OR, OutOf or a quoted principal ${where(tok)}`);
    const op = tok.v.toUpperCase();
    if (!['AND', 'OR', 'OUTOF'].includes(op)) throw new SyntaxError(`unknown operator '${tok.v}' ${where(tok)}`);
    expect('(');
    let n = null;
    if (op === 'OUTOF') {
      const num = tokens[i++];
      if (!num || num.t !== 'num') throw new SyntaxError(`OutOf needs a count first ${where(num)}`);
      n = num.v;
      expect(',');
    }
    const args = [expr()];
    while (peek() && peek().t === ',') { i++; args.push(expr()); }
    expect(')');
    if (op === 'OUTOF' && (n < 1 || n > args.length)) {
      throw new SyntaxError(`OutOf(${n}, …) needs between 1 and ${args.length}`);
    }
    return { kind: op, n: op === 'AND' ? args.length : op === 'OR' ? 1 : n, args };
  }
  const tree = expr();
  if (i < tokens.length) throw new SyntaxError(`unexpected text ${where(tokens[i])}`);
  return tree;
}

/** null when `text` is acceptable as an endorsement policy, else the problem. */
export function checkPolicy(text) {
  const t = text.trim();
  if (!t) return null; // empty: the server uses the channel default
  if (t.startsWith('/')) {
    return /^\/Channel\/Application(\/[A-Za-z0-9_.-]+)+$/.test(t) ? null
      : 'a policy reference looks like /Channel/Application/Endorsement';
  }
  try { parsePolicy(t); return null; } catch (e) { return e.message; }
}

function treeWords(node) {
  if (node.kind === 'principal') return `${/^[aeiou]/.test(node.role) ? 'an' : 'a'} ${node.role} of ${node.msp}`;
  const parts = node.args.map((a) => (a.kind === 'principal' ? treeWords(a) : `(${treeWords(a)})`));
  if (node.kind === 'AND' || node.n === node.args.length) return parts.length === 1 ? parts[0] : `all of: ${parts.join(', ')}`;
  if (node.kind === 'OR' || node.n === 1) return parts.length === 1 ? parts[0] : `any one of: ${parts.join(', ')}`;
  return `${node.n} of: ${parts.join(', ')}`;
}

/** A sentence describing a policy given as {kind?, text} or as text. */
export function describePolicy(policy) {
  const text = typeof policy === 'string' ? policy : policy?.text;
  if (!text) return 'not set';
  const meta = /^(ANY|ALL|MAJORITY)\s+(\S+)$/.exec(text.trim());
  if (meta) {
    const [, rule, sub] = meta;
    const how = { ANY: 'any one', ALL: 'every one', MAJORITY: 'a majority' }[rule];
    return `${how} of the channel's organizations must satisfy their "${sub}" policy`;
  }
  if (text.startsWith('/')) return `whatever the channel policy ${text} requires`;
  try { return `signed by ${treeWords(parsePolicy(text))}`; } catch { return text; }
}
