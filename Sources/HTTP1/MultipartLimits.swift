/// Limits for `MultipartParser`, checked as bytes arrive. Exceeding one throws
/// `MultipartError`; the server maps it to 413 (too many parts) or 431-like 400 (headers).
public struct MultipartLimits: Sendable, Equatable {
    /// Bytes of one part's header block (up to and including the blank line). 8 KiB: browsers
    /// and curl send ~150 bytes; a long file name fits many times over.
    public var maxPartHeaderBytes: Int
    /// Parts per body. 16: the package upload uses one file part and a few fields.
    public var maxParts: Int

    public init(maxPartHeaderBytes: Int = 8 * 1024, maxParts: Int = 16) {
        self.maxPartHeaderBytes = maxPartHeaderBytes
        self.maxParts = maxParts
    }
}

/// Why a multipart/form-data body was rejected. Messages are stable.
public enum MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    case notMultipart
    case invalidBoundary
    case partHeadersTooLarge(limit: Int)
    case tooManyParts(limit: Int)
    case malformedPartHeader
    case malformedDelimiter
    case unexpectedEnd

    public var description: String {
        switch self {
        case .notMultipart: return "Content-Type is not multipart/form-data"
        case .invalidBoundary: return "multipart boundary is missing or invalid"
        case .partHeadersTooLarge(let limit): return "multipart part headers exceed \(limit) bytes"
        case .tooManyParts(let limit): return "multipart body has more than \(limit) parts"
        case .malformedPartHeader: return "malformed multipart part header"
        case .malformedDelimiter: return "malformed multipart boundary line"
        case .unexpectedEnd: return "multipart body ended before the closing boundary"
        }
    }
}

/// What the parser reports, in order: for each part `partBegin`, zero or more `bodyChunk`s,
/// `partEnd`; then `end` once the closing boundary is seen.
public enum MultipartEvent: Sendable, Equatable {
    case partBegin(MultipartPartHeaders)
    case bodyChunk([UInt8])
    case partEnd
    case end
}

/// Headers of one part, with the Content-Disposition parameters decoded.
public struct MultipartPartHeaders: Sendable, Equatable {
    /// Header fields in order, names as sent.
    public var fields: [(name: String, value: String)]
    /// Content-Disposition `name` parameter (the form field name).
    public var name: String?
    /// Content-Disposition `filename` parameter, if the part is a file.
    public var filename: String?

    /// First value of a header, by case-insensitive name.
    public func value(for name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var contentType: String? { value(for: "Content-Type") }

    public static func == (a: MultipartPartHeaders, b: MultipartPartHeaders) -> Bool {
        a.name == b.name && a.filename == b.filename
            && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }
}
