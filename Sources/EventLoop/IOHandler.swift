/// What a registered descriptor wants to hear about.
public struct IOInterest: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let read = IOInterest(rawValue: 1)
    public static let write = IOInterest(rawValue: 2)
}

/// The owner of a registered descriptor. Called on the loop thread only.
/// `hangup` covers EPOLLHUP, EPOLLERR and EPOLLRDHUP (the peer closed its write side): epoll is
/// level-triggered, so a handler that does not read must deregister or close on hangup.
public protocol IOHandler: AnyObject {
    func ioReady(readable: Bool, writable: Bool, hangup: Bool)
}

/// Identifies one registration. The generation makes a stale registration (its fd since closed
/// and reused) harmless: events and calls for it are dropped.
public struct IORegistration: Sendable, Hashable {
    let slot: UInt32
    let generation: UInt32
    public let fd: Int32

    var token: UInt64 { UInt64(generation) << 32 | UInt64(slot) }
}

/// Identifies a scheduled timer.
public struct TimerID: Sendable, Hashable {
    let raw: UInt64
}
