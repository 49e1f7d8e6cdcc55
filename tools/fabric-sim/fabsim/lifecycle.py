"""The `_lifecycle` system chaincode (core/chaincode/lifecycle/scc.go, lifecycle.go)."""
import re

from . import lcstate
from .lcstate import NS, Definition
from .packages import PackageError
from .pb import lifecycle as lc

NAME_RE = re.compile(r"^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$")
VERSION_RE = re.compile(r"^[A-Za-z0-9_.+-]+$")
COLL_RE = re.compile(r"^[A-Za-z0-9-]+([A-Za-z0-9_-]+)*$")
SYSCC = {"cscc", "escc", "lscc", "qscc", "vscc"}


class LCError(Exception):
    """Becomes `failed to invoke backing implementation of '<fn>': <msg>` (status 500)."""


class NotDefined(Exception):
    """ErrNamespaceNotDefined: status 404."""


def validate_input(name, version, colls):
    if not NAME_RE.match(name):
        raise LCError(f"invalid chaincode name '{name}'. Names can only consist of alphanumerics, "
                      "'_', and '-' and can only begin with alphanumerics")
    if name in SYSCC:
        raise LCError(f"chaincode name '{name}' is the name of a system chaincode")
    if not VERSION_RE.match(version):
        raise LCError(f"invalid chaincode version '{version}'. Versions can only consist of "
                      "alphanumerics, '_', '-', '+', and '.'")
    seen = set()
    for c in colls.config:
        s = c.static_collection_config
        if not COLL_RE.match(s.name) or s.name.startswith("_"):
            raise LCError(f"invalid collection name '{s.name}'. Names can only consist of "
                          "alphanumerics, '_', and '-' and cannot begin with '_'")
        if s.name in seen:
            raise LCError(f"collection-name: {s.name} -- found duplicate in collection configuration")
        seen.add(s.name)
        if s.required_peer_count < 0:
            raise LCError(f"collection-name: {s.name} -- requiredPeerCount ({s.required_peer_count}) "
                          "cannot be less than zero")
        if s.maximum_peer_count < s.required_peer_count:
            raise LCError(f"collection-name: {s.name} -- maximum peer count ({s.maximum_peer_count}) "
                          f"cannot be less than the required peer count ({s.required_peer_count})")
        if not s.HasField("member_orgs_policy"):
            raise LCError(f"collection member policy is not set for collection '{s.name}'")


class Lifecycle:
    def __init__(self, peer):
        self.peer = peer

    # ------------------------------------------------------------ dispatch
    def invoke(self, fn: str, arg: bytes, ctx):
        """Returns (status, message, payload)."""
        handler = getattr(self, "_" + fn, None)
        args_cls = getattr(lc, fn + "Args", None)
        if handler is None or args_cls is None:
            return 500, f"failed to invoke backing implementation of '{fn}': unknown function", b""
        try:
            args = args_cls.FromString(arg)
        except Exception as e:  # noqa: BLE001
            return 500, f"failed to invoke backing implementation of '{fn}': failed to decode input arg to '{fn}': {e}", b""
        try:
            return 200, "", handler(args, ctx).SerializeToString()
        except NotDefined as e:
            return 404, str(e), b""
        except (LCError, PackageError) as e:
            return 500, f"failed to invoke backing implementation of '{fn}': {e}", b""

    def _need_channel(self, ctx):
        if ctx.cfg is None:
            raise LCError("no application config for channel ''")
        if self.peer.mspid not in ctx.cfg.app_orgs:
            raise LCError("impossibly, this peer's org is processing requests for a channel it is not a member of")

    def _defaults(self, ctx, d: Definition):
        if not d.validation_parameter and not ctx.cfg.has_policy("/Channel/Application/Endorsement"):
            raise LCError(f"could not set defaults for chaincode definition in channel {ctx.cfg.name}: "
                          f"policy '/Channel/Application/Endorsement' must be defined for channel "
                          f"'{ctx.cfg.name}' before chaincode operations can be attempted")
        return d.with_defaults()

    # ------------------------------------------------------------ install & local queries
    def _InstallChaincode(self, a, ctx):
        try:
            pid, label = self.peer.packages.install(a.chaincode_install_package)
        except PackageError as e:
            if str(e).startswith("chaincode already"):
                raise
            raise LCError(f"could not parse as a chaincode install package: {e}")
        return lc.InstallChaincodeResult(package_id=pid, label=label)

    def _references(self, pid):
        refs = {}
        for ch, led in self.peer.ledgers.items():
            sim = self.peer.query_sim(ch)
            for name in lcstate.committed_names(led):
                d = lcstate.committed(sim, name)
                if lcstate.approved_package(sim, self.peer.mspid, name, d.sequence) == pid:
                    refs.setdefault(ch, []).append((name, d.version))
        return refs

    def _QueryInstalledChaincode(self, a, ctx):
        for pid, label in self.peer.packages.list():
            if pid == a.package_id:
                r = lc.QueryInstalledChaincodeResult(package_id=pid, label=label)
                for ch, ccs in self._references(pid).items():
                    for n, v in ccs:
                        r.references[ch].chaincodes.add(name=n, version=v)
                return r
        raise LCError(f"could not find chaincode with package id '{a.package_id}'")

    def _QueryInstalledChaincodes(self, a, ctx):
        r = lc.QueryInstalledChaincodesResult()
        for pid, label in self.peer.packages.list():
            ic = r.installed_chaincodes.add(package_id=pid, label=label)
            for ch, ccs in self._references(pid).items():
                for n, v in ccs:
                    ic.references[ch].chaincodes.add(name=n, version=v)
        return r

    def _GetInstalledChaincodePackage(self, a, ctx):
        data = self.peer.packages.load(a.package_id)
        if data is None:
            raise LCError(f"could not load cc install package: chaincode install package "
                          f"'{a.package_id}' not found")
        return lc.GetInstalledChaincodePackageResult(chaincode_install_package=data)

    # ------------------------------------------------------------ approve
    def _ApproveChaincodeDefinitionForMyOrg(self, a, ctx):
        try:
            validate_input(a.name, a.version, a.collections)
        except LCError as e:
            raise LCError(f"error validating chaincode definition: {e}")
        self._need_channel(ctx)
        pkg = a.source.local_package.package_id if a.source.WhichOneof("Type") == "local_package" else ""
        sim, name, req = ctx.sim, a.name, a.sequence
        cur = lcstate.current_sequence(sim, name)
        if cur == 0 and req == 0:
            raise LCError("requested sequence is 0, but first definable sequence number is 1")
        if req < cur:
            raise LCError(f"currently defined sequence {cur} is larger than requested sequence {req}")
        if req > cur + 1:
            raise LCError(f"requested sequence {req} is larger than the next available sequence number {cur + 1}")
        d = self._defaults(ctx, Definition.from_args(a))
        if req == cur:
            diff = lcstate.committed(sim, name).parameters_mismatch(d)
            if diff:
                raise LCError(f"attempted to redefine the current committed sequence ({cur}) for "
                              f"namespace {name} with different parameters: {diff}")
        key = f"{name}#{req}"
        if req == cur + 1:
            prev = lcstate.approved(sim, self.peer.mspid, name, req)
            if prev is not None and prev.parameters_mismatch(d) is None:
                if lcstate.approved_package(sim, self.peer.mspid, name, req) == pkg:
                    raise LCError(f"attempted to redefine uncommitted sequence ({req}) for namespace "
                                  f"{name} with unchanged content")
        coll = lcstate.implicit_collection(self.peer.mspid)
        for k, v in {**lcstate.serialize_parameters(key, d), **lcstate.serialize_source(key, pkg)}.items():
            sim.put_private(NS, coll, k, v)
        return lc.ApproveChaincodeDefinitionForMyOrgResult()

    # ------------------------------------------------------------ commit
    def _approvals(self, ctx, name, d):
        return {m: lcstate.org_approved(ctx.sim, m, name, d) for m in ctx.cfg.app_orgs}

    def _readiness(self, a, ctx):
        try:
            validate_input(a.name, a.version, a.collections)
        except LCError as e:
            raise LCError(f"error validating chaincode definition: {e}")
        self._need_channel(ctx)
        cur = lcstate.current_sequence(ctx.sim, a.name)
        if a.sequence != cur + 1:
            raise LCError(f"requested sequence is {a.sequence}, but new definition must be sequence {cur + 1}")
        d = self._defaults(ctx, Definition.from_args(a))
        return d, self._approvals(ctx, a.name, d)

    def _CheckCommitReadiness(self, a, ctx):
        _, approvals = self._readiness(a, ctx)
        return lc.CheckCommitReadinessResult(approvals=approvals)

    def _CommitChaincodeDefinition(self, a, ctx):
        d, approvals = self._readiness(a, ctx)
        for k, v in lcstate.serialize_parameters(a.name, d, with_sequence=True).items():
            ctx.sim.put_state(NS, k, v)
        if not approvals.get(self.peer.mspid):
            raise LCError(f"chaincode definition not agreed to by this org ({self.peer.mspid})")
        return lc.CommitChaincodeDefinitionResult()

    # ------------------------------------------------------------ channel queries
    def _QueryApprovedChaincodeDefinition(self, a, ctx):
        self._need_channel(ctx)
        seq = a.sequence
        if seq == 0:
            cur = lcstate.current_sequence(ctx.sim, a.name)
            seq = cur + 1
            if lcstate.approved(ctx.sim, self.peer.mspid, a.name, seq) is None:
                seq = cur
        d = lcstate.approved(ctx.sim, self.peer.mspid, a.name, seq)
        if d is None:
            raise LCError(f"could not fetch approved chaincode definition (name: '{a.name}', sequence: "
                          f"'{a.sequence}') on channel '{ctx.cfg.name}'")
        pkg = lcstate.approved_package(ctx.sim, self.peer.mspid, a.name, seq) or ""
        src = lc.ChaincodeSource()
        if pkg:
            src.local_package.package_id = pkg
        else:
            src.unavailable.SetInParent()
        return lc.QueryApprovedChaincodeDefinitionResult(
            sequence=seq, version=d.version, endorsement_plugin=d.endorsement_plugin,
            validation_plugin=d.validation_plugin, validation_parameter=d.validation_parameter,
            collections=d.collections_msg(), init_required=d.init_required, source=src)

    def _QueryChaincodeDefinition(self, a, ctx):
        self._need_channel(ctx)
        d = lcstate.committed(ctx.sim, a.name)
        if d is None:
            raise NotDefined(f"namespace {a.name} is not defined")
        return lc.QueryChaincodeDefinitionResult(
            sequence=d.sequence, version=d.version, endorsement_plugin=d.endorsement_plugin,
            validation_plugin=d.validation_plugin, validation_parameter=d.validation_parameter,
            collections=d.collections_msg(), init_required=d.init_required,
            approvals=self._approvals(ctx, a.name, d))

    def _QueryChaincodeDefinitions(self, a, ctx):
        self._need_channel(ctx)
        r = lc.QueryChaincodeDefinitionsResult()
        for name in lcstate.committed_names(self.peer.ledgers[ctx.cfg.name]):
            d = lcstate.committed(ctx.sim, name)
            r.chaincode_definitions.add(
                name=name, sequence=d.sequence, version=d.version,
                endorsement_plugin=d.endorsement_plugin, validation_plugin=d.validation_plugin,
                validation_parameter=d.validation_parameter, collections=d.collections_msg(),
                init_required=d.init_required)
        return r
