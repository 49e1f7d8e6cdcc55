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

@Suite("Go JSON syntax errors")
struct GoJSONSyntaxTests {
    @Test("first error worded as Go's encoding/json scanner", arguments: [
        ("", "unexpected end of JSON input"),
        ("{", "unexpected end of JSON input"),
        ("x", "invalid character 'x' looking for beginning of value"),
        (#"{"a" 1}"#, "invalid character '1' after object key"),
        (#"{"a":1 "b":2}"#, "invalid character '\"' after object key:value pair"),
        ("{a:1}", "invalid character 'a' looking for beginning of object key string"),
        (#"{"a":1,}"#, "invalid character '}' looking for beginning of object key string"),
        ("[1 2]", "invalid character '2' after array element"),
        ("[1,]", "invalid character ']' looking for beginning of value"),
        ("{} x", "invalid character 'x' after top-level value"),
        ("01", "invalid character '1' after top-level value"),
        ("tru", "unexpected end of JSON input"),
        ("trx", "invalid character 'x' in literal true (expecting 'u')"),
        ("nul!", "invalid character '!' in literal null (expecting 'l')"),
        ("-x", "invalid character 'x' in numeric literal"),
        ("1.x", "invalid character 'x' after decimal point in numeric literal"),
        ("1e+", "unexpected end of JSON input"),
        ("1eq", "invalid character 'q' in exponent of numeric literal"),
        (#""\x""#, "invalid character 'x' in string escape code"),
        (#""\u12g4""#, "invalid character 'g' in \\u hexadecimal character escape"),
        ("\"a\nb\"", "invalid character '\\n' in string literal"),
        ("'a'", "invalid character '\\'' looking for beginning of value"),
    ])
    func errors(input: String, message: String) {
        #expect(GoJSONSyntax.firstError(Array(input.utf8)) == message)
    }

    @Test("valid documents pass", arguments: [
        #"{"path":"","type":"ccaas","label":"x"}"#, " [1, -0.5e+3, true, false, null, \"\\u00e9\\n\"] ", "0", "{}",
    ])
    func valid(input: String) {
        #expect(GoJSONSyntax.firstError(Array(input.utf8)) == nil)
    }

    @Test("bytes are quoted as Go's quoteChar does")
    func quoting() {
        #expect(GoJSONSyntax.quote(0x01) == "'\\x01'")
        #expect(GoJSONSyntax.quote(0xc3) == "'Ã'")
        #expect(GoJSONSyntax.quote(0x85) == "'\\u0085'")
    }
}

@Suite("Go-style field matching")
struct GoFieldMatchingTests {
    @Test("every case-folded match is applied in order; null leaves the field; last wins")
    func lastMatchWins() throws {
        let json = #"{"label":"a","LABEL":"b","Label":null,"\u0074ype":"ccaas","path":null}"#
        #expect(try PackageMetadata.parse(Array(json.utf8)) == PackageMetadata(type: "ccaas", path: "", label: "b"))
    }

    @Test("Go's special folds: 'ſ' matches 's'")
    func specialFolds() throws {
        let (info, _) = try ConnectionInfo.parse(Array(#"{"addreſſ":"cc:7052"}"#.utf8))
        #expect(info.address == "cc:7052")
    }

    @Test("a wrong type in any matching key is an error")
    func wrongTypeInDuplicate() {
        #expect(throws: PackageError.self) { try PackageMetadata.parse(Array(#"{"label":"a","Label":1}"#.utf8)) }
    }
}
