import Testing
import TLSCrypto

@Suite struct SHA256Tests {
    @Test("SHA-256 of 'abc' matches FIPS 180-2 test vector")
    func abc() {
        #expect(SHA256.hash(Array("abc".utf8)).hexString
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("incremental updates equal the one-shot digest")
    func incremental() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var h = SHA256()
        var i = 0
        while i < data.count { let n = min(777, data.count - i); h.update(Array(data[i..<i+n])); i += n }
        #expect(h.finalize() == SHA256.hash(data))
    }
}
