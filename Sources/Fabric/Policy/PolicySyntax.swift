/// Tokens of the policy DSL.
enum PolicyToken: Equatable {
    case word(String)
    case string(String)
    case number(Int)
    case open, close, comma

    var display: String {
        switch self {
        case .word(let w): "'\(w)'"
        case .string(let s): "'\(s)'"
        case .number(let n): "\(n)"
        case .open: "'('"
        case .close: "')'"
        case .comma: "','"
        }
    }
}

/// A parsed expression: a gate with threshold, or a quoted principal.
indirect enum PolicyNode {
    case gate(threshold: Int, items: [PolicyNode])
    case principal(String)
}

struct PolicyTokenizer {
    private let chars: [Character]
    private var index = 0
    private var buffered: Result<PolicyToken?, PolicyParseError>?

    init(_ text: String) { chars = Array(text) }

    mutating func peek() -> PolicyToken? {
        if buffered == nil { buffered = Result { () throws(PolicyParseError) in try scan() } }
        // A scan error stays in `buffered`: `next()` throws it, peeking only looks ahead.
        return (try? buffered?.get()) ?? nil
    }

    mutating func next() throws(PolicyParseError) -> PolicyToken? {
        if let buffered {
            self.buffered = nil
            return try buffered.get()
        }
        return try scan()
    }

    private mutating func scan() throws(PolicyParseError) -> PolicyToken? {
        while index < chars.count, chars[index].isWhitespace { index += 1 }
        guard index < chars.count else { return nil }
        let c = chars[index]
        switch c {
        case "(": index += 1; return .open
        case ")": index += 1; return .close
        case ",": index += 1; return .comma
        case "'", "\"":
            guard let end = chars[(index + 1)...].firstIndex(of: c) else {
                throw PolicyParseError("unterminated string in policy string")
            }
            let text = String(chars[(index + 1)..<end])
            index = end + 1
            return .string(text)
        default:
            let start = index
            while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" || chars[index] == "-" {
                index += 1
            }
            guard index > start else { throw PolicyParseError("unexpected character '\(c)' in policy string") }
            let word = String(chars[start..<index])
            if let n = Int(word) { return .number(n) }
            return .word(word)
        }
    }
}

enum PolicySyntax {
    static let andWords: Set<String> = ["AND", "And", "and"]
    static let orWords: Set<String> = ["OR", "Or", "or"]
    static let outOfWords: Set<String> = ["OutOf", "outof", "OUTOF"]

    static func parseExpression(_ tokens: inout PolicyTokenizer) throws(PolicyParseError) -> PolicyNode {
        switch try tokens.next() {
        case .string(let s): return .principal(s)
        case .word(let w):
            guard andWords.contains(w) || orWords.contains(w) || outOfWords.contains(w) else {
                throw PolicyParseError("unrecognized token '\(w)' in policy string")
            }
            return try parseGate(w, &tokens)
        case nil: throw PolicyParseError("unexpected end of policy string")
        case let token?: throw PolicyParseError("unexpected \(token.display) in policy string")
        }
    }

    private static func parseGate(_ word: String, _ tokens: inout PolicyTokenizer) throws(PolicyParseError) -> PolicyNode {
        guard try tokens.next() == .open else { throw PolicyParseError("expected '(' after \(word)") }
        var threshold: Int?
        var items: [PolicyNode] = []
        if outOfWords.contains(word) {
            guard case .number(let n)? = try tokens.next() else {
                throw PolicyParseError("\(word) requires a number as its first argument")
            }
            threshold = n
            switch tokens.peek() {
            case .comma?: _ = try tokens.next()
            case .close?: break
            default: throw PolicyParseError("expected ',' after the threshold of \(word)")
            }
        }
        if tokens.peek() != .close {
            while true {
                items.append(try parseExpression(&tokens))
                let separator = try tokens.next()
                if separator == .close { break }
                guard separator == .comma else {
                    throw PolicyParseError(separator.map { "unexpected \($0.display) in policy string" }
                                           ?? "unexpected end of policy string")
                }
            }
        } else {
            _ = try tokens.next()
        }
        // Fabric rewrites AND/OR to outof(count|1, ...) and then needs at least one item.
        guard !items.isEmpty else {
            throw PolicyParseError("expected at least two arguments to NOutOf. Given 1")
        }
        if andWords.contains(word) { threshold = items.count }
        if orWords.contains(word) { threshold = 1 }
        return .gate(threshold: threshold ?? 1, items: items)
    }
}
