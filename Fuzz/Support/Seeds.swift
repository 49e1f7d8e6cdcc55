import Foundation

/// `scripts/fuzz.sh --seeds` starts a target with FUZZ_WRITE_SEEDS=<dir>: each target's
/// `LLVMFuzzerInitialize` then writes its seed inputs there as `seed-<name>` and exits.
/// Returns 0 (go on fuzzing) when the variable is not set.
func writeSeedsIfAsked(_ seeds: [String: [UInt8]]) -> CInt {
    guard let dir = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"] else { return 0 }
    for (name, bytes) in seeds {
        _ = FileManager.default.createFile(atPath: "\(dir)/seed-\(name)", contents: Data(bytes))
    }
    exit(0)
}
