import SystemIO

extension OutputQueue {
    /// Like `flush(to:budget:)`, through TLS: bytes are encrypted and files are read into memory
    /// and encrypted piece by piece (sendfile(2) cannot cross TLS). At most one piece of
    /// ciphertext waits in `tls` when the socket is full.
    mutating func flush(through tls: TLSTransport, to socket: Socket, budget: Int) throws -> FlushResult {
        var budget = budget
        var fileBuffer: [UInt8] = []
        while true {
            if tls.hasPendingCiphertext {
                guard try tls.writePending(to: socket) else { return .wouldBlock }
            }
            if isEmpty {
                removeAll()
                return .drained
            }
            if budget <= 0 { return .budgetSpent }
            budget -= try encryptNextPiece(tls, fileBuffer: &fileBuffer)
        }
    }

    /// Encrypts up to `TLSTransport.plaintextPiece` bytes of the first item; returns the count.
    private mutating func encryptNextPiece(_ tls: TLSTransport, fileBuffer: inout [UInt8]) throws -> Int {
        let piece = TLSTransport.plaintextPiece
        switch items[head] {
        case .bytes(let bytes, let offset):
            let n = min(bytes.count - offset, piece)
            try bytes.withUnsafeBytes { try tls.encrypt(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
            bufferedBytes -= n
            if offset + n == bytes.count {
                items[head] = .bytes([], offset: 0)
                head += 1
            } else {
                items[head] = .bytes(bytes, offset: offset + n)
            }
            return n
        case .file(let file, let offset, let end):
            if fileBuffer.isEmpty { fileBuffer = [UInt8](repeating: 0, count: piece) }
            let want = min(end - offset, piece)
            let r = try fileBuffer.withUnsafeMutableBytes {
                try Sys.pread(file.fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<want]), offset: offset)
            }
            guard case .processed(let n) = r, n > 0 else { throw SystemError(code: 5 /* EIO */, call: "pread (file shrank)") }
            try fileBuffer.withUnsafeBytes { try tls.encrypt(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            if offset + n >= end { head += 1 } else { items[head] = .file(file, offset: offset + n, end: end) }
            return n
        }
    }
}
