/// A binary min-heap of timers keyed by monotonic deadline. Cancellation removes the task from
/// the table; its heap entry is skipped when it surfaces (lazy deletion, O(log n) everywhere).
struct TimerQueue {
    private struct Entry { let deadline: UInt64; let id: UInt64 }
    private var heap: [Entry] = []
    private var tasks: [UInt64: () -> Void] = [:]
    private var nextID: UInt64 = 1

    var isEmpty: Bool { tasks.isEmpty }

    mutating func schedule(deadline: UInt64, _ task: @escaping () -> Void) -> TimerID {
        let id = nextID
        nextID += 1
        tasks[id] = task
        heap.append(Entry(deadline: deadline, id: id))
        siftUp(heap.count - 1)
        return TimerID(raw: id)
    }

    mutating func cancel(_ id: TimerID) {
        tasks[id.raw] = nil
    }

    /// Deadline of the earliest live timer.
    mutating func nextDeadline() -> UInt64? {
        while let top = heap.first {
            if tasks[top.id] != nil { return top.deadline }
            popTop()
        }
        return nil
    }

    /// Removes and returns the tasks due at `now`, in deadline order.
    mutating func popDue(now: UInt64) -> [() -> Void] {
        var due: [() -> Void] = []
        while let top = heap.first, top.deadline <= now {
            popTop()
            if let task = tasks.removeValue(forKey: top.id) { due.append(task) }
        }
        return due
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent].deadline <= heap[i].deadline { break }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && heap[l].deadline < heap[m].deadline { m = l }
            if r < heap.count && heap[r].deadline < heap[m].deadline { m = r }
            if m == i { return }
            heap.swapAt(m, i)
            i = m
        }
    }
}
