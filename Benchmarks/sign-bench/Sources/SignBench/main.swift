import Fabric
import Foundation
import PKCS11Signing
import TLSCrypto

// Usage: SignBench CERT KEY LIBRARY TOKEN KEY_LABEL COUNT THREADS   (the PIN in $BENCH_HSM_PIN)
// Signs COUNT digests per round on THREADS threads with each signer, rounds interleaved
// (software, HSM, software, HSM, ...), and prints signatures per second of each round.
let args = CommandLine.arguments
guard args.count == 8, let count = Int(args[6]), let threads = Int(args[7]), let pin = ProcessInfo.processInfo.environment["BENCH_HSM_PIN"] else {
    FileHandle.standardError.write(Data("usage: SignBench CERT KEY LIBRARY TOKEN KEY_LABEL COUNT THREADS (PIN in BENCH_HSM_PIN)\n".utf8))
    exit(2)
}
let certificate = try X509Certificate(pem: String(contentsOfFile: args[1], encoding: .utf8))
let software = try PrivateKeySigner(pem: String(contentsOfFile: args[2], encoding: .utf8))
let hsm = try PKCS11Signer(location: PKCS11KeyLocation(library: args[3], tokenLabel: args[4], pin: pin, keyLabel: args[5], keyID: nil),
                           certificate: certificate, certificateName: args[1])
let publicKey = try ECPublicKey(subjectPublicKeyInfoDER: certificate.subjectPublicKeyInfoDER)

/// Signatures per second of `signer` over `count` digests split across `threads` threads.
func measure(_ signer: any Signer) -> Double {
    let digests = (0..<count).map { _ in SecureRandom.bytes(32) }
    let perThread = count / threads
    let start = ContinuousClock.now
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        for digest in digests[(t * perThread)..<((t + 1) * perThread)] {
            guard (try? signer.sign(digest: digest)) != nil else { fatalError("signing failed") }
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(perThread * threads) / seconds
}

// Both signers must produce signatures the certificate verifies.
let probe = SecureRandom.bytes(32)
for signer in [software, hsm] as [any Signer] {
    guard publicKey.isValidSignature(try signer.sign(digest: probe), forDigest: probe) else { fatalError("a signer does not match the certificate") }
}
_ = (measure(software), measure(hsm))  // warm-up
for round in 1...3 {
    let s = measure(software), h = measure(hsm)
    print(String(format: "round %d, %d thread(s): software %8.0f sig/s   softhsm %8.0f sig/s   (%.2fx)", round, threads, s, h, s / h))
}
