"""Signature / ImplicitMeta policy evaluation and the policy DSL (common/policydsl, common/cauthdsl)."""
import re

from .msp import MSPError
from .pb import policies, principal

ROLES = {"member": principal.MSPRole.MEMBER, "admin": principal.MSPRole.ADMIN,
         "client": principal.MSPRole.CLIENT, "peer": principal.MSPRole.PEER,
         "orderer": principal.MSPRole.ORDERER}
_PRINCIPAL = re.compile(r"^([A-Za-z0-9.-]+)([.])(admin|member|client|peer|orderer)$")


class PolicyError(Exception):
    pass


# ---------------------------------------------------------------- DSL parser
def _tokenize(s):
    toks = re.findall(r"\s*(\(|\)|,|'[^']*'|\"[^\"]*\"|[A-Za-z0-9_.-]+)", s)
    if "".join(toks).replace(" ", "") != re.sub(r"\s+", "", s):
        raise PolicyError(f"unrecognized token in policy string '{s}'")
    return toks


def from_string(dsl: str) -> "policies.SignaturePolicyEnvelope":
    """Parse the DSL; identity indices follow Fabric's evaluation order (docs/fabric-notes.md §8)."""
    toks = _tokenize(dsl)
    pos = 0
    identities = []

    def parse():
        nonlocal pos
        tok = toks[pos]
        pos += 1
        low = tok.lower()
        if low not in ("and", "or", "outof"):
            raise PolicyError(f"unrecognized token '{tok}' in policy string")
        if toks[pos] != "(":
            raise PolicyError(f"unrecognized token '{toks[pos]}' in policy string")
        pos += 1
        args = []
        while True:
            t = toks[pos]
            if t[0] in "'\"":
                args.append(("p", t[1:-1]))
                pos += 1
            elif t.lower() in ("and", "or", "outof"):
                args.append(("g", parse()))
            elif t.isdigit():
                args.append(("n", int(t)))
                pos += 1
            else:
                raise PolicyError(f"unrecognized token '{t}' in policy string")
            if toks[pos] == ",":
                pos += 1
                continue
            if toks[pos] == ")":
                pos += 1
                break
            raise PolicyError(f"unrecognized token '{toks[pos]}' in policy string")
        if low == "outof":
            if not args or args[0][0] != "n":
                raise PolicyError("first argument of OutOf must be an integer")
            t = args[0][1]
            args = args[1:]
        rules = []
        # nested gates were already evaluated (indices assigned); now own principals
        for kind, v in args:
            if kind == "g":
                rules.append(v)
            elif kind == "p":
                m = _PRINCIPAL.match(v)
                if not m:
                    raise PolicyError(f"error parsing principal {v}")
                role = principal.MSPRole(msp_identifier=m.group(1), role=ROLES[m.group(3)])
                identities.append(principal.MSPPrincipal(
                    principal_classification=principal.MSPPrincipal.ROLE,
                    principal=role.SerializeToString()))
                rules.append(policies.SignaturePolicy(signed_by=len(identities) - 1))
            else:
                raise PolicyError(f"unexpected integer argument {v}")
        if not rules:
            raise PolicyError("at least one argument required")
        n = len(rules) if low == "and" else 1 if low == "or" else t
        if n < 0 or n > len(rules) + 1:
            raise PolicyError(f"invalid t-out-of-n predicate, t {n}, n {len(rules)}")
        return policies.SignaturePolicy(n_out_of=policies.SignaturePolicy.NOutOf(n=n, rules=rules))

    rule = parse()
    if pos != len(toks):
        raise PolicyError(f"unrecognized token '{toks[pos]}' in policy string")
    return policies.SignaturePolicyEnvelope(version=0, rule=rule, identities=identities)


# ---------------------------------------------------------------- evaluation
def _principal_ok(p, ident) -> bool:
    if p.principal_classification != principal.MSPPrincipal.ROLE:
        return False
    role = principal.MSPRole.FromString(p.principal)
    if role.msp_identifier != ident.mspid:
        return False
    try:
        ident.satisfies_role(role.role)
        return True
    except MSPError:
        return False


def eval_signature_policy(env, idents) -> bool:
    """idents: already signature-verified, de-duplicated identities."""
    used = [False] * len(idents)

    def ev(rule, used):
        kind = rule.WhichOneof("Type")
        if kind is None:
            return False
        if kind == "signed_by":
            if rule.signed_by >= len(env.identities):
                return False
            p = env.identities[rule.signed_by]
            for i, ident in enumerate(idents):
                if not used[i] and _principal_ok(p, ident):
                    used[i] = True
                    return True
            return False
        ok = 0
        for r in rule.n_out_of.rules:
            trial = list(used)
            if ev(r, trial):
                ok += 1
                used[:] = trial
        return ok >= rule.n_out_of.n

    return ev(env.rule, used)


def principals_of(env):
    out = []
    for p in env.identities:
        if p.principal_classification == principal.MSPPrincipal.ROLE:
            r = principal.MSPRole.FromString(p.principal)
            out.append((r.msp_identifier, r.role))
    return out
