"""qscc (core/scc/qscc/query.go) and cscc GetChannels (core/scc/cscc/configure.go) basics."""
from . import acl, blocks
from .pb import common, ledger as ledgerpb, query, transaction


def invoke(peer, u, args):
    if not args:
        return 500, "Incorrect number of arguments, 0", b""
    fn = args[0].decode(errors="replace")
    if u.cc == "cscc":
        if fn != "GetChannels":
            return 500, f"Requested function {fn} not found.", b""
        try:
            acl.check("cscc/GetChannels", peer.local_msps, None, u.sp.proposal_bytes, u.shdr.creator, u.sp.signature)
        except acl.ACLError as e:
            return 500, f"access denied for [{fn}]: {e}", b""
        r = query.ChannelQueryResponse(channels=[query.ChannelInfo(channel_id=c) for c in sorted(peer.channels)])
        return 200, "", r.SerializeToString()
    if len(args) < 2:
        return 500, f"Incorrect number of arguments, {len(args)}", b""
    ch = args[1].decode(errors="replace")
    if ch not in peer.ledgers:
        return 500, f"Invalid chain ID, {ch}", b""
    cfg = peer.channels[ch]
    try:
        acl.check(f"qscc/{fn}", peer.local_msps, cfg, u.sp.proposal_bytes, u.shdr.creator, u.sp.signature)
    except acl.ACLError as e:
        return 500, f"access denied for [{fn}][{ch}]: {e}", b""
    led = peer.ledgers[ch]
    if fn == "GetChainInfo":
        last = led.block(led.height - 1)
        info = ledgerpb.BlockchainInfo(height=led.height, currentBlockHash=blocks.header_hash(last.header),
                                       previousBlockHash=last.header.previous_hash)
        return 200, "", info.SerializeToString()
    if fn == "GetBlockByNumber":
        try:
            n = int(args[2])
        except (IndexError, ValueError):
            return 500, "Failed to parse block number with error", b""
        b = led.block(n)
        if b is None:
            return 500, f"Failed to get block number {n}, error Entry not found in index", b""
        return 200, "", b.SerializeToString()
    if fn in ("GetTransactionByID", "GetBlockByTxID"):
        txid = args[2].decode(errors="replace") if len(args) > 2 else ""
        loc = led.txids.get(txid)
        if loc is None:
            what = "transaction" if fn == "GetTransactionByID" else "block for txid"
            return 500, f"Failed to get {what} with id {txid}, error no such transaction ID [{txid}] in index", b""
        b = led.block(loc[0])
        if fn == "GetBlockByTxID":
            return 200, "", b.SerializeToString()
        pt = transaction.ProcessedTransaction(
            transactionEnvelope=common.Envelope.FromString(b.data.data[loc[1]]), validationCode=loc[2])
        return 200, "", pt.SerializeToString()
    return 500, f"Requested function {fn} not found.", b""
