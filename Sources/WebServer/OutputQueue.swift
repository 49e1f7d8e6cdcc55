import SystemIO

/// Bytes and file regions waiting to be written to one socket, in order.
struct OutputQueue {
    enum Item {
        case bytes([UInt8], offset: Int)
        case file(OpenFile, offset: Int, end: Int)
    }

    // Not private: the TLS flush (OutputQueue+TLS.swift) consumes items the same way.
    var items: [Item] = []
    var head = 0
    /// Pending bytes held in memory (files do not count: they are not in memory).
    var bufferedBytes = 0

    var isEmpty: Bool { head == items.count }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        // Coalesce small writes into the last buffer: one write(2) instead of several.
        if head < items.count, case .bytes(var last, let off) = items[items.count - 1], last.count + bytes.count <= 16384 {
            items[items.count - 1] = .bytes([], offset: 0)
            last.append(contentsOf: bytes)
            items[items.count - 1] = .bytes(last, offset: off)
        } else {
            items.append(.bytes(bytes, offset: 0))
        }
        bufferedBytes += bytes.count
    }

    mutating func append(file: OpenFile) {
        if file.size > 0 { items.append(.file(file, offset: 0, end: file.size)) }
    }

    mutating func removeAll() {
        items.removeAll()
        head = 0
        bufferedBytes = 0
    }

    enum FlushResult { case drained, wouldBlock, budgetSpent }

    /// Writes as much as the socket takes, up to `budget` bytes.
    mutating func flush(to socket: Socket, budget: Int) throws -> FlushResult {
        var budget = budget
        while head < items.count {
            if budget <= 0 { return .budgetSpent }
            switch items[head] {
            case .bytes(let bytes, let offset):
                let r: IOResult<Int>
                // Head + body in one writev when both are in memory.
                if head + 1 < items.count, case .bytes(let next, 0) = items[head + 1] {
                    r = try bytes.withUnsafeBytes { a in
                        try next.withUnsafeBytes { b in try socket.writev(UnsafeRawBufferPointer(rebasing: a[offset...]), b) }
                    }
                } else {
                    r = try bytes.withUnsafeBytes { try socket.write(from: UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                }
                guard case .processed(var n) = r else { return .wouldBlock }
                budget -= n
                bufferedBytes -= n
                // Consume across the (up to two) buffers written.
                while n > 0, head < items.count, case .bytes(let b, let off) = items[head] {
                    let left = b.count - off
                    if n >= left {
                        n -= left
                        items[head] = .bytes([], offset: 0)
                        head += 1
                    } else {
                        items[head] = .bytes(b, offset: off + n)
                        n = 0
                    }
                }
            case .file(let file, let offset, let end):
                var off = offset
                let r = try Sys.sendfile(out: socket.fd, in: file.fd, offset: &off, count: min(end - offset, budget))
                guard case .processed(let n) = r else { return .wouldBlock }
                if n == 0 { throw SystemError(code: 5 /* EIO */, call: "sendfile (file shrank)") }
                budget -= n
                if off >= end { head += 1 } else { items[head] = .file(file, offset: off, end: end) }
            }
        }
        items.removeAll(keepingCapacity: true)
        head = 0
        return .drained
    }
}
