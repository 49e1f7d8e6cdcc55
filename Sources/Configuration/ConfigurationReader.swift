import Foundation
import Yams

/// Reads typed values out of one composed YAML (or JSON) document; every failure names the
/// file, the key path and the problem. Scalars are typed exactly as `Yams.load` types them
/// (`Node.any`): `"8"` is a string, `8` an integer, `yes` a boolean, `~` null.
struct ConfigurationReader {
    /// The file being read: `.configFile` or `.connectionProfile`.
    let source: ConfigurationError.Source
    /// False: referenced files are not required to exist here (a config for another machine).
    var checkFiles = true

    /// The path of the file being read.
    var file: String { source.path ?? "" }

    func fail(_ key: String?, _ problem: String) -> ConfigurationError {
        ConfigurationError(source: source, key: key, problem: problem)
    }

    /// The text of the file `source` names (`.configFile` or `.connectionProfile`).
    static func read(_ source: ConfigurationError.Source) throws -> String {
        guard let path = source.path else { preconditionFailure("\(source) is not a file") }
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError(source: source, problem: "cannot read the file (\(error.localizedDescription))")
        }
    }

    /// Parses `text` once into its top-level mapping; `syntax` names the accepted syntax in the
    /// error ("YAML", "YAML or JSON").
    func document(_ text: String, syntax: String) throws -> YAMLMapping {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw fail(nil, "not valid \(syntax): \(error)")
        }
        guard let root, let top = Self.mapping(root) else { throw fail(nil, "the top level must be a mapping") }
        return top
    }

    // MARK: typed values

    func mapping(_ node: Node?, _ key: String) throws -> YAMLMapping {
        guard let node, let m = Self.mapping(node) else { throw fail(key, "must be a mapping") }
        return m
    }

    /// The elements of a sequence; absent or null is an empty list unless `required`.
    func list(_ node: Node?, _ key: String, required: Bool) throws -> [Node] {
        guard let node, !Self.isNull(node) else {
            if required { throw fail(key, "is required") }
            return []
        }
        guard case .sequence(let s) = node else { throw fail(key, "must be a list") }
        return Array(s)
    }

    /// A non-empty string.
    func string(_ node: Node?, _ key: String) throws -> String {
        guard let s = try optionalString(node, key), !s.isEmpty else { throw fail(key, "is required") }
        return s
    }

    /// A string, or nil when absent or null.
    func optionalString(_ node: Node?, _ key: String) throws -> String? {
        guard let node, !Self.isNull(node) else { return nil }
        guard case .scalar = node, let s = node.any as? String else { throw fail(key, "must be a string") }
        return s
    }

    /// `true` or `false` (YAML 1.1 spellings included, as Yams reads them).
    func bool(_ node: Node, _ key: String) throws -> Bool {
        guard case .scalar = node, let b = node.any as? Bool else { throw fail(key, "must be true or false") }
        return b
    }

    /// `path`, checked to exist when `checkFiles`.
    func existing(_ path: String, _ key: String) throws -> String {
        guard checkFiles else { return path }
        guard FileManager.default.fileExists(atPath: path) else { throw fail(key, "'\(path)' does not exist") }
        return path
    }

    // MARK: node shapes

    /// A mapping node (not a `!!set`, which Yams reads as a set).
    static func mapping(_ node: Node) -> YAMLMapping? {
        guard case .mapping(let m) = node, node.tag.description != Tag.Name.set.rawValue else { return nil }
        return YAMLMapping(m)
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        return node.any is NSNull
    }
}
