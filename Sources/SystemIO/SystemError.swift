internal import CLinux
import Glibc

/// A failed system call: the call's name and its errno. Messages are stable ("connect: Connection refused").
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: Int32
    public let call: String

    public init(code: Int32, call: String) { (self.code, self.call) = (code, call) }

    public var description: String {
        "\(call): \(String(cString: strerror(code)))"
    }

    public static let addressInUse: Int32 = EADDRINUSE
    public static let connectionRefused: Int32 = ECONNREFUSED
}

/// Result of a non-blocking operation: done (with a value) or "try again when ready".
public enum IOResult<T> {
    case processed(T)
    case wouldBlock
}

extension IOResult: Sendable where T: Sendable {}
