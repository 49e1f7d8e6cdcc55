/// Field layout and numeric encodings of a 512-byte tar header (POSIX ustar, GNU, V7),
/// following Go's `archive/tar` parsing rules.
enum TarHeaderBlock {
    static let size = 512

    enum Format { case v7, ustar, gnu }

    /// Field ranges (offset, length).
    static let name = (0, 100), mode = (100, 8), uid = (108, 8), gid = (116, 8), fileSize = (124, 12)
    static let mtime = (136, 12), checksum = (148, 8), typeFlag = 156, linkName = (157, 100)
    static let magic = (257, 6), version = (263, 2), userName = (265, 32), groupName = (297, 32)
    static let devMajor = (329, 8), devMinor = (337, 8), prefix = (345, 155)

    static func isZero(_ block: ArraySlice<UInt8>) -> Bool { block.allSatisfy { $0 == 0 } }

    /// NUL-terminated string field.
    static func string(_ block: [UInt8], _ field: (Int, Int)) -> String {
        let bytes = block[field.0..<(field.0 + field.1)]
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// Octal (NUL/space padded) or base-256 (high bit set) number, as Go's `parseNumeric`.
    static func number(_ block: [UInt8], _ field: (Int, Int)) throws -> Int64 {
        let bytes = Array(block[field.0..<(field.0 + field.1)])
        if let first = bytes.first, first & 0x80 != 0 {
            return try base256(bytes)
        }
        let trimmed = bytes.split(whereSeparator: { $0 == 0 || $0 == 0x20 }).first ?? []
        var value: Int64 = 0
        for digit in trimmed {
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "7") else { throw ArchiveError.invalidTarHeader }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 8)
            guard !overflow else { throw ArchiveError.invalidTarHeader }
            value = shifted + Int64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func base256(_ bytes: [UInt8]) throws -> Int64 {
        // Sign bit is 0x40 of the first byte; negative values are not valid sizes or ids here.
        guard bytes[0] & 0x40 == 0 else { throw ArchiveError.invalidTarHeader }
        var value: Int64 = Int64(bytes[0] & 0x3f)
        for byte in bytes.dropFirst() {
            guard value <= (Int64.max >> 8) else { throw ArchiveError.invalidTarHeader }
            value = value << 8 | Int64(byte)
        }
        return value
    }

    /// Unsigned and signed sums with the checksum field taken as spaces.
    static func checksums(_ block: [UInt8]) -> (unsigned: Int64, signed: Int64) {
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (i, byte) in block.enumerated() {
            let b = (checksum.0..<(checksum.0 + checksum.1)).contains(i) ? UInt8(ascii: " ") : byte
            unsigned += Int64(b)
            signed += Int64(Int8(bitPattern: b))
        }
        return (unsigned, signed)
    }

    /// Validates the checksum and detects the format; throws `invalidTarHeader` on mismatch.
    static func format(_ block: [UInt8]) throws -> Format {
        let stored = try number(block, checksum)
        let sums = checksums(block)
        guard stored == sums.unsigned || stored == sums.signed else { throw ArchiveError.invalidTarHeader }
        let magicBytes = Array(block[magic.0..<(magic.0 + magic.1)])
        let versionBytes = Array(block[version.0..<(version.0 + version.1)])
        if magicBytes == Array("ustar\0".utf8) && versionBytes == Array("00".utf8) { return .ustar }
        if magicBytes == Array("ustar ".utf8) && versionBytes == Array(" \0".utf8) { return .gnu }
        return .v7
    }

    // MARK: Writing (Go's formatter: zero-padded octal, NUL-terminated)

    static func put(_ string: String, _ field: (Int, Int), into block: inout [UInt8]) {
        let bytes = Array(string.utf8)
        precondition(bytes.count <= field.1, "tar field overflow")
        block.replaceSubrange(field.0..<(field.0 + bytes.count), with: bytes)
    }

    static func putOctal(_ value: Int64, _ field: (Int, Int), into block: inout [UInt8]) {
        let digits = String(value, radix: 8)
        precondition(digits.count < field.1, "tar numeric field overflow")
        put(String(repeating: "0", count: field.1 - 1 - digits.count) + digits, field, into: &block)
    }

    /// Fills the checksum field: six octal digits, NUL, space (as Go and GNU tar write it).
    static func seal(_ block: inout [UInt8]) {
        let sum = checksums(block).unsigned
        putOctal(sum, (checksum.0, 7), into: &block)
        block[checksum.0 + 7] = UInt8(ascii: " ")
    }
}
