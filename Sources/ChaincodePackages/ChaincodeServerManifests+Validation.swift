extension ChaincodeServerManifests {
    /// Parameter checks, each naming the parameter. Names follow the rules of what they name:
    /// Kubernetes namespaces are DNS-1123 labels (k8s.io/apimachinery validation
    /// `IsDNS1123Label`), label values at most 63 characters; Fabric channel names
    /// `^[a-z][a-z0-9.-]*$` (common/configtx `validateChannelID`) and chaincode names
    /// `^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$` (core/chaincode/lifecycle `ChaincodeNameRegExp`).
    static func validate(_ input: Input) throws {
        guard isImageReference(input.image) else {
            throw ManifestError.parameter("image", "must be an image reference such as 'registry.example.com/basic-ccaas:1.0' (got '\(input.image.prefix(100))')")
        }
        if let ns = input.namespace, !isDNSLabel(ns) {
            throw ManifestError.parameter("namespace", "must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)")
        }
        guard isComposeName(input.network) else {
            throw ManifestError.parameter("network", "must be a network name (letters, digits, '_', '.', '-')")
        }
        if let channel = input.channel {
            guard channel.count <= 63, matches(channel, first: lowerLetters, rest: lowerLetters + digits + ".-") else {
                throw ManifestError.parameter("channel", "must be a Fabric channel name ([a-z][a-z0-9.-]*) of at most 63 characters (a label value)")
            }
        }
        if let chaincode = input.chaincode {
            guard chaincode.count <= 63, isChaincodeName(chaincode) else {
                throw ManifestError.parameter("chaincode", "must be a Fabric chaincode name ([a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*) of at most 63 characters")
            }
        }
    }

    static let lowerLetters = "abcdefghijklmnopqrstuvwxyz"
    static let digits = "0123456789"
    static let letters = lowerLetters + lowerLetters.uppercased()

    static func matches(_ text: String, first: String, rest: String) -> Bool {
        guard let head = text.first, first.contains(head) else { return false }
        return text.dropFirst().allSatisfy { rest.contains($0) }
    }

    /// DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    static func isDNSLabel(_ text: String) -> Bool {
        text.count <= 63 && !text.hasSuffix("-") && matches(text, first: lowerLetters + digits, rest: lowerLetters + digits + "-")
    }

    /// DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
    static func isServiceName(_ text: String) -> Bool {
        isDNSLabel(text) && text.first.map { lowerLetters.contains($0) } == true
    }

    /// Compose service and network names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*` (compose-spec schema).
    static func isComposeName(_ text: String) -> Bool {
        text.count <= 255 && matches(text, first: letters + digits, rest: letters + digits + "_.-")
    }

    static func isChaincodeName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "_", omittingEmptySubsequences: false) }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (letters + digits).contains($0) } }
    }

    /// A container image reference as the runtimes accept it (distribution/reference grammar,
    /// loosely): starts with a letter or digit, then letters, digits and `._-/:@`, no spaces.
    static func isImageReference(_ text: String) -> Bool {
        text.count <= 512 && !text.contains("//") && !text.hasSuffix(":") && !text.hasSuffix("/")
            && matches(text, first: letters + digits, rest: letters + digits + "._-/:@")
    }
}
