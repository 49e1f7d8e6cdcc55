internal import CLinux

/// Process-wide malloc settings for a server that streams large request bodies.
///
/// glibc serves allocations above `M_MMAP_THRESHOLD` (128 KiB, adjusted upwards only after
/// such a block is freed) with a fresh mmap and returns them with munmap. An upload moves its
/// bytes in chunks of up to 256 KiB from the event loop to the hashing/writing code and to the
/// inspection thread; with mmap per chunk each one costs page faults, zeroing, and on free a
/// TLB shootdown across every thread of the process (measured: ~15% of the loop thread's time
/// during a 400 MiB upload). Below 1 MiB the blocks now come from malloc's arenas and are
/// reused; heap tops above 16 MiB are still given back to the system.
public enum MemoryTuning {
    public static let mmapThreshold: Int32 = 1 << 20
    public static let trimThreshold: Int32 = 16 << 20

    /// Applies the settings; call once at start-up, before the server threads allocate.
    /// Returns false if glibc refused them (the defaults then stay in force).
    @discardableResult
    public static func applyServerDefaults() -> Bool {
        CLinux.clinux_malloc_thresholds(mmapThreshold, trimThreshold) == 1
    }
}
