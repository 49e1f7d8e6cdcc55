import Testing
@testable import ChaincodePackages

@Suite("Syntax checks")
struct SyntaxCheckTests {
    @Test("labels follow the peer's regex", arguments: [
        ("a", true), ("basic_1.0+x-y", true), ("9lives", true), ("", false), ("_a", false), (".a", false),
        ("a b", false), ("a/b", false), ("é", false), ("a:b", false),
    ])
    func labels(label: String, valid: Bool) {
        #expect(((try? PackageMetadata.validate(label: label)) != nil) == valid)
    }

    @Test("Go durations", arguments: [
        ("10s", true), ("0", true), ("1.5h", true), ("2h45m", true), ("300ms", true), ("-1us", true), ("1µs", true),
        (".5s", true), ("", false), ("10", false), ("s", false), ("1x", false), ("1hm", false), ("1.s", true),
    ])
    func durations(text: String, valid: Bool) {
        #expect(GoDuration.isValid(text) == valid)
    }

    @Test("host:port addresses", arguments: [
        ("cc:9999", true), ("10.0.0.1:7052", true), ("[::1]:7052", true), ("cc", false), ("cc:0", false),
        ("cc:70000", false), (":9999", false), ("::1:7052", false), ("a b:1", false),
    ])
    func addresses(address: String, valid: Bool) {
        #expect(ConnectionInfo.isHostPort(address) == valid)
    }

    @Test("PEM shape")
    func pem() {
        #expect(PEM.isCertificate(fakeCertificate))
        #expect(PEM.isCertificate(fakeCertificate + fakeCertificate))
        #expect(!PEM.isCertificate(fakeKey))
        #expect(PEM.isPrivateKey(fakeKey))
        #expect(!PEM.isCertificate("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----"))
        #expect(!PEM.isCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n"))
        #expect(!PEM.isCertificate(""))
    }
}
