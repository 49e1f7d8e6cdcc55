import Testing
import TLSCrypto

@Suite struct PEMTests {
    @Test("encodes 64-column lines with a trailing newline and parses back")
    func roundTrip() throws {
        let der = (0..<100).map { UInt8($0) }
        let pem = PEMBlock(label: "CERTIFICATE", der: der).pemString
        let lines = pem.split(separator: "\n")
        #expect(lines.first == "-----BEGIN CERTIFICATE-----")
        #expect(lines[1].count == 64)
        #expect(pem.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(try PEMBlock.parseAll(pem) == [PEMBlock(label: "CERTIFICATE", der: der)])
    }

    @Test("finds several blocks, ignores text between them and CRLF line ends")
    func severalBlocks() throws {
        let a = PEMBlock(label: "CERTIFICATE", der: [1, 2, 3]).pemString
        let b = PEMBlock(label: "PRIVATE KEY", der: [4, 5]).pemString
        let text = "junk\r\n" + a.replacingOccurrences(of: "\n", with: "\r\n") + "comment\n" + b
        let blocks = try PEMBlock.parseAll(text)
        #expect(blocks.map(\.label) == ["CERTIFICATE", "PRIVATE KEY"])
        #expect(try PEMBlock.first(in: text, labels: ["PRIVATE KEY"]).der == [4, 5])
    }

    @Test("an unterminated block and a missing label are errors with stable messages")
    func errors() {
        #expect(throws: CryptoError(.invalidPEM, "PEM block 'CERTIFICATE' is not terminated")) {
            try PEMBlock.parseAll("-----BEGIN CERTIFICATE-----\nAAAA\n")
        }
        #expect(throws: CryptoError(.invalidPEM, "no PEM block 'CERTIFICATE' found")) {
            try PEMBlock.first(in: "hello", labels: ["CERTIFICATE"])
        }
        #expect(throws: CryptoError(.invalidPEM, "invalid base64 in PEM block 'X'")) {
            try PEMBlock.parseAll("-----BEGIN X-----\n!!!!\n-----END X-----\n")
        }
    }
}
