import Testing
import TLSCrypto
import TestSupport

@Suite struct ECDSASignatureTests {
    @Test("half orders equal Fabric's curveHalfOrders (docs/fabric-notes.md §2.2)")
    func halfOrders() {
        #expect(ECCurve.p256.halfOrder == [UInt8](hex: "7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8"))
        #expect(ECCurve.p384.halfOrder == [UInt8](hex:
            "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE3B1A6C0FA1B96EFAC0D06D9245853BD76760CB5666294B9"))
    }

    @Test("DER uses minimal integers with a 0x00 prefix when the top bit is set")
    func derEncoding() throws {
        let sig = ECDSASignature(r: [0x00, 0x80, 0x01], s: [0x7f])
        #expect(sig.derRepresentation == [0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x7f])
        #expect(try ECDSASignature(der: sig.derRepresentation) == sig)
    }

    @Test("long-form DER lengths round-trip")
    func longForm() throws {
        let sig = ECDSASignature(r: [UInt8](repeating: 0xff, count: 64), s: [UInt8](repeating: 0xfe, count: 64))
        let der = sig.derRepresentation
        #expect(der.count == 3 + 2 * (2 + 65))
        #expect(der[0...2] == [0x30, 0x81, 0x86])
        #expect(try ECDSASignature(der: der) == sig)
    }

    @Test("s = n - 1 normalizes to 1; s = n/2 is already low; s = n/2 + 1 becomes n/2")
    func lowS() {
        let curve = ECCurve.p256
        var nMinus1 = curve.order
        nMinus1[nMinus1.count - 1] -= 1
        #expect(ECDSASignature(r: [1], s: nMinus1).normalizedToLowS(on: curve).s == [1])
        let half = ECDSASignature(r: [1], s: curve.halfOrder)
        #expect(half.isLowS(on: curve))
        var halfPlus1 = curve.halfOrder
        halfPlus1[halfPlus1.count - 1] += 1
        let high = ECDSASignature(r: [1], s: halfPlus1)
        #expect(!high.isLowS(on: curve))
        #expect(high.normalizedToLowS(on: curve).s == curve.halfOrder)
    }

    @Test("malformed DER is rejected", arguments: [
        [UInt8](), [0x30, 0x00], [0x30, 0x03, 0x02, 0x01, 0x01], [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01],
        [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01], [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00],
    ])
    func malformed(der: [UInt8]) {
        #expect(throws: CryptoError.self) { try ECDSASignature(der: der) }
    }
}
