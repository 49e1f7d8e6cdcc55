import Foundation

/// One file compiled into the binary by `scripts/embed-files.py`.
public struct EmbeddedFile: Sendable, Equatable {
    /// Path relative to the directory it came from, with `/` separators (`js/app.js`).
    public let path: String
    /// The file's bytes, exactly as they were on disk.
    public let bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Decodes the generated base64 literal (line breaks and indentation are ignored).
    init(path: String, base64: String) {
        // The literal is written by the generator: failing to decode it is a bug, not a condition.
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            preconditionFailure("embedded file '\(path)' is not valid base64; run scripts/embed-files.py")
        }
        self.init(path: path, bytes: [UInt8](data))
    }
}
