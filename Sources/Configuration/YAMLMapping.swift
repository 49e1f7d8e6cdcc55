import Yams

/// A YAML mapping with string keys, in document order, merge keys (`<<: *anchor`) applied the
/// way Yams's own constructor applies them (Yams `Node.Mapping.flatten`): merged entries first,
/// the mapping's own entries after them, the last occurrence of a key winning.
struct YAMLMapping {
    let entries: [(key: String, value: Node)]

    /// An empty mapping (an absent section).
    init() { entries = [] }

    init(_ mapping: Node.Mapping) {
        entries = Self.flatten(mapping).map { (String.construct(from: $0.key) ?? "", $0.value) }
    }

    /// The value of `key` (its last occurrence), nil when absent; a key given `null` is present.
    subscript(key: String) -> Node? {
        entries.last { $0.key == key }?.value
    }

    /// The distinct keys, in the order they first appear.
    var keys: [String] {
        var seen = Set<String>()
        return entries.map(\.key).filter { seen.insert($0).inserted }
    }

    private static func flatten(_ mapping: Node.Mapping) -> [(key: Node, value: Node)] {
        var merged: [(key: Node, value: Node)] = [], own: [(key: Node, value: Node)] = []
        for pair in mapping {
            guard pair.key.tag.description == Tag.Name.merge.rawValue else {
                own.append(pair)
                continue
            }
            switch pair.value {
            case .mapping(let m): merged += flatten(m)
            case .sequence(let s): for m in s.compactMap(\.mapping).reversed() { merged += flatten(m) }
            case .scalar: break  // Yams ignores a merge of a scalar too
            }
        }
        return merged + own
    }
}
