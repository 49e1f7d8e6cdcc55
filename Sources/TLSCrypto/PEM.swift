import Foundation

/// One PEM block: `-----BEGIN <label>-----`, base64 body, `-----END <label>-----` (RFC 7468).
public struct PEMBlock: Sendable, Hashable {
    /// The label, e.g. `CERTIFICATE`, `PRIVATE KEY`, `EC PRIVATE KEY`.
    public var label: String
    /// The decoded DER bytes.
    public var der: [UInt8]

    public init(label: String, der: [UInt8]) {
        self.label = label
        self.der = der
    }

    /// All PEM blocks in `text`, in order. Text outside blocks is ignored (as OpenSSL does).
    /// Throws `CryptoError.invalidPEM` for an unterminated block or bad base64.
    public static func parseAll(_ text: String) throws -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if let current = label {
                if line == "-----END \(current)-----" {
                    guard let der = Data(base64Encoded: body) else {
                        throw CryptoError(.invalidPEM, "invalid base64 in PEM block '\(current)'")
                    }
                    blocks.append(PEMBlock(label: current, der: Array(der)))
                    label = nil
                    body = ""
                } else if line.hasPrefix("-----") {
                    throw CryptoError(.invalidPEM, "PEM block '\(current)' is not terminated")
                } else if !line.contains(":") {
                    body += line  // RFC 1421 headers (Proc-Type: ...) are skipped
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                label = String(line.dropFirst(11).dropLast(5))
            }
        }
        if let current = label {
            throw CryptoError(.invalidPEM, "PEM block '\(current)' is not terminated")
        }
        return blocks
    }

    /// The first block with one of `labels`, or `CryptoError.invalidPEM` naming what was wanted.
    public static func first(in text: String, labels: Set<String>) throws -> PEMBlock {
        guard let block = try parseAll(text).first(where: { labels.contains($0.label) }) else {
            let wanted = labels.sorted().joined(separator: "' or '")
            throw CryptoError(.invalidPEM, "no PEM block '\(wanted)' found")
        }
        return block
    }

    /// PEM text with 64-character lines and a trailing newline, as Go's `pem.Encode` writes it.
    public var pemString: String {
        let b64 = Data(der).base64EncodedString()
        var out = "-----BEGIN \(label)-----\n"
        var index = b64.startIndex
        while index < b64.endIndex {
            let end = b64.index(index, offsetBy: 64, limitedBy: b64.endIndex) ?? b64.endIndex
            out += b64[index..<end] + "\n"
            index = end
        }
        out += "-----END \(label)-----\n"
        return out
    }
}
