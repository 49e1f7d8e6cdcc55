/// One tar header as Go's `archive/tar` reports it (after PAX/GNU long-name records are applied).
public struct TarEntry: Sendable, Equatable {
    public var name: String
    /// Target of a symlink or hard link.
    public var linkName: String
    /// Content size in bytes.
    public var size: Int64
    /// Mode field as stored (may include type bits, e.g. 0o100644).
    public var mode: Int64
    /// Typeflag byte: `0x30` ('0') regular, '5' directory, '2' symlink, '1' hard link, 'g' PAX global...
    /// The old NUL typeflag is reported as '0' (or '5' for names ending in "/"), like Go.
    public var typeFlag: UInt8
    public var uid: Int64
    public var gid: Int64
    public var modificationTime: Int64
    public var userName: String
    public var groupName: String

    public init(name: String, linkName: String = "", size: Int64, mode: Int64 = 0o100644, typeFlag: UInt8 = TarEntry.regular,
                uid: Int64 = 0, gid: Int64 = 0, modificationTime: Int64 = 0, userName: String = "", groupName: String = "") {
        self.name = name
        self.linkName = linkName
        self.size = size
        self.mode = mode
        self.typeFlag = typeFlag
        self.uid = uid
        self.gid = gid
        self.modificationTime = modificationTime
        self.userName = userName
        self.groupName = groupName
    }

    public static let regular = UInt8(ascii: "0")
    public static let hardLink = UInt8(ascii: "1")
    public static let symlink = UInt8(ascii: "2")
    public static let directory = UInt8(ascii: "5")
    public static let paxGlobal = UInt8(ascii: "g")

    /// True for typeflag '0' only (what the peer accepts at the top level of a package).
    public var isRegularFile: Bool { typeFlag == Self.regular }

    /// The typeflag as a one-character string ("0", "5", "2", ...).
    public var typeFlagCharacter: String { String(UnicodeScalar(typeFlag)) }
}
