import Foundation

/// Syntactic PEM checks (RFC 7468): one or more BEGIN/END blocks with matching labels and a
/// base64 body. Certificates are not parsed here; the TLS layer does that when dialing.
enum PEM {
    static func isCertificate(_ text: String) -> Bool {
        labels(text).map { !$0.isEmpty && $0.allSatisfy { $0 == "CERTIFICATE" } } ?? false
    }

    static func isPrivateKey(_ text: String) -> Bool {
        guard let labels = labels(text), labels.count == 1 else { return false }
        return ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"].contains(labels[0])
    }

    /// Labels of the blocks in `text`, or nil if any block is malformed.
    static func labels(_ text: String) -> [String]? {
        var labels: [String] = []
        var current: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if let label = marker(line, "BEGIN") {
                guard current == nil else { return nil }
                current = label
                body = ""
            } else if let label = marker(line, "END") {
                guard label == current, !body.isEmpty, Data(base64Encoded: body) != nil else { return nil }
                labels.append(label)
                current = nil
            } else if current != nil {
                body += line
            } else {
                return nil  // text outside a block
            }
        }
        return current == nil ? labels : nil
    }

    private static func marker(_ line: String, _ kind: String) -> String? {
        let prefix = "-----\(kind) ", suffix = "-----"
        guard line.hasPrefix(prefix), line.hasSuffix(suffix), line.count > prefix.count + suffix.count else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
