/// Go's `time.ParseDuration` syntax: an optionally signed sequence of decimal numbers, each
/// with an optional fraction and a unit ("300ms", "1.5h", "2h45m"); "0" alone is valid.
enum GoDuration {
    static let units = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]

    static func isValid(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        if rest == "0" { return true }
        guard !rest.isEmpty else { return false }
        while !rest.isEmpty {
            let integer = rest.prefix(while: \.isASCIIDigit)
            rest = rest.dropFirst(integer.count)
            var fraction: Substring = ""
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix(while: \.isASCIIDigit)
                rest = rest.dropFirst(fraction.count)
            }
            guard !integer.isEmpty || !fraction.isEmpty else { return false }
            // Longest unit first so "ms" is not read as "m" followed by "s".
            guard let unit = units.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
