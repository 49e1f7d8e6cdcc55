import Dispatch
import Foundation
import Logging
import Synchronization
import TLSCrypto

/// Keeps a `TLSContextProvider` in step with the certificate, key and client-CA files: `reload()`
/// (on SIGHUP) rebuilds the context from the files, and `reloadIfChanged()` (polled by `watch`)
/// does so when any file's identity, size or modification time changed (a rename over it, as
/// certificate managers and Kubernetes secret mounts do, included). A reload that fails (a
/// half-written file, a key that does not match) keeps the current context and logs why; open
/// connections are never touched either way.
public final class TLSCertificateReloader: Sendable {
    /// Where the PEM files are and the settings around them.
    public struct Files: Sendable {
        public var certFile: String
        public var keyFile: String
        public var clientCAFile: String?
        public var clientAuth: TLSServerConfiguration.ClientAuth
        public var minVersion: TLSServerConfiguration.ProtocolVersion
        public var ciphers: String?
        public var cipherSuites: String?

        public init(certFile: String, keyFile: String, clientCAFile: String? = nil, clientAuth: TLSServerConfiguration.ClientAuth = .none,
                    minVersion: TLSServerConfiguration.ProtocolVersion = .tls12, ciphers: String? = nil, cipherSuites: String? = nil) {
            self.certFile = certFile
            self.keyFile = keyFile
            self.clientCAFile = clientCAFile
            self.clientAuth = clientAuth
            self.minVersion = minVersion
            self.ciphers = ciphers
            self.cipherSuites = cipherSuites
        }

        var paths: [String] { [certFile, keyFile] + (clientCAFile.map { [$0] } ?? []) }

        /// Reads the files and builds a context. Errors name the file or the TLS problem.
        public func loadContext() throws -> TLSServerContext {
            func read(_ path: String, _ what: String) throws -> String {
                do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                    throw TLSError(.configuration, "cannot read TLS \(what) file '\(path)': \(error.localizedDescription)")
                }
            }
            let config = TLSServerConfiguration(
                certificatePEM: try read(certFile, "certificate"), keyPEM: try read(keyFile, "key"),
                clientCAPEM: try clientCAFile.map { try read($0, "client CA") }, clientAuth: clientAuth, minVersion: minVersion,
                ciphers: ciphers ?? TLSServerConfiguration.defaultCiphers,
                cipherSuites: cipherSuites ?? TLSServerConfiguration.defaultCipherSuites)
            return try TLSServerContext(configuration: config)
        }
    }

    public let files: Files
    public let provider: TLSContextProvider
    private let logger: Logger
    private let stamps: Mutex<[FileStamp?]>
    private let timer = Mutex<WatchTimer?>(nil)

    /// Loads the files once (throws when they do not make a working context).
    public init(files: Files, logger: Logger) throws {
        self.files = files
        self.logger = logger
        stamps = Mutex(files.paths.map(FileStamp.init(path:)))
        provider = TLSContextProvider(try files.loadContext())
    }

    deinit { stopWatching() }

    /// Rebuilds the context from the files now; on failure the current one stays.
    @discardableResult
    public func reload() -> Bool {
        stamps.withLock { $0 = files.paths.map(FileStamp.init(path:)) }
        do {
            let context = try files.loadContext()
            provider.replace(with: context)
            logger.notice("TLS certificate reloaded", metadata: [
                "subject": "\(context.certificate.subject.rfc4514)", "notAfter": "\(context.certificate.notAfter)",
            ])
            return true
        } catch {
            logger.error("TLS certificate reload failed; new connections keep the previous certificate",
                         metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Reloads when any file changed since the last load. Returns whether it reloaded successfully.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        let now = files.paths.map(FileStamp.init(path:))
        guard stamps.withLock({ $0 != now }) else { return false }
        return reload()
    }

    /// Polls the files every `intervalSeconds` until `stopWatching()`.
    public func watch(intervalSeconds: Double = 2) {
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tls-reload"))
        t.schedule(deadline: .now() + intervalSeconds, repeating: intervalSeconds)
        t.setEventHandler { [weak self] in self?.reloadIfChanged() }
        t.resume()
        let replaced = timer.withLock { old -> WatchTimer? in
            defer { old = WatchTimer(source: t) }
            return old
        }
        replaced?.source.cancel()
    }

    public func stopWatching() {
        let current = timer.withLock { old -> WatchTimer? in
            defer { old = nil }
            return old
        }
        current?.source.cancel()
    }

    /// The polling timer. Dispatch sources are thread-safe (`cancel` from any thread); the type
    /// only lacks the annotation.
    private final class WatchTimer: @unchecked Sendable {
        let source: any DispatchSourceTimer
        init(source: any DispatchSourceTimer) { self.source = source }
    }

    /// What identifies one version of a file: device, inode, size and modification time.
    struct FileStamp: Equatable {
        let device: UInt64, inode: UInt64, size: Int64, modifiedNanos: Int64

        init?(path: String) {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
            size = Int64(st.st_size)
            modifiedNanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        }
    }
}
