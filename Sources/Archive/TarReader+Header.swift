extension TarReader {
    static func entry(from block: [UInt8], format: TarHeaderBlock.Format) throws -> TarEntry {
        typealias H = TarHeaderBlock
        var name = H.string(block, H.name)
        if format == .ustar {
            let prefix = H.string(block, H.prefix)
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        let size = try H.number(block, H.fileSize)
        guard size >= 0 else { throw ArchiveError.invalidTarHeader }
        let isV7 = format == .v7
        return TarEntry(
            name: name, linkName: H.string(block, H.linkName), size: size, mode: try H.number(block, H.mode),
            typeFlag: block[H.typeFlag], uid: try H.number(block, H.uid), gid: try H.number(block, H.gid),
            modificationTime: try H.number(block, H.mtime),
            userName: isV7 ? "" : H.string(block, H.userName), groupName: isV7 ? "" : H.string(block, H.groupName))
    }

    static func cString(_ bytes: [UInt8]) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Parses PAX records `"%d %s=%s\n"` (POSIX pax, "extended header" format).
    static func parsePAX(_ bytes: [UInt8]) throws -> [String: String] {
        var records: [String: String] = [:]
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let space = rest.firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: rest[rest.startIndex..<space], as: UTF8.self)),
                  length > space - rest.startIndex + 1, length <= rest.count
            else { throw ArchiveError.invalidTarHeader }
            let record = rest[(space + 1)..<(rest.startIndex + length)]
            rest = rest[(rest.startIndex + length)...]
            guard record.last == UInt8(ascii: "\n"), let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw ArchiveError.invalidTarHeader
            }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            records[key] = String(decoding: record[(equals + 1)..<(record.endIndex - 1)], as: UTF8.self)
        }
        return records
    }

    static func apply(_ pax: [String: String], to entry: inout TarEntry) throws {
        if let path = pax["path"] { entry.name = path }
        if let link = pax["linkpath"] { entry.linkName = link }
        if let uname = pax["uname"] { entry.userName = uname }
        if let gname = pax["gname"] { entry.groupName = gname }
        for (key, keyPath) in [("size", \TarEntry.size), ("uid", \TarEntry.uid), ("gid", \TarEntry.gid)] {
            guard let text = pax[key] else { continue }
            guard let value = Int64(text), value >= 0 else { throw ArchiveError.invalidTarHeader }
            entry[keyPath: keyPath] = value
        }
        if let mtime = pax["mtime"] {
            guard let seconds = Double(mtime) else { throw ArchiveError.invalidTarHeader }
            entry.modificationTime = Int64(seconds.rounded(.down))
        }
    }
}
