import FabricProtos
import Foundation

extension Lifecycle {
    /// `InstallChaincode` (channel-less, per peer; the peer builds the package — use a long deadline).
    public static func installChaincode(package: [UInt8]) -> LifecycleCall<InstallResult> {
        var args = Lifecycle_InstallChaincodeArgs()
        args.chaincodeInstallPackage = Data(package)
        return LifecycleCall(function: "InstallChaincode", argument: args, isChannelScoped: false) { payload in
            let result = try decodeLifecycleResult(Lifecycle_InstallChaincodeResult.self, payload, "InstallChaincode")
            return InstallResult(packageID: result.packageID, label: result.label)
        }
    }

    /// `QueryInstalledChaincode` for one package ID (channel-less).
    public static func queryInstalledChaincode(packageID: String) -> LifecycleCall<InstalledChaincode> {
        var args = Lifecycle_QueryInstalledChaincodeArgs()
        args.packageID = packageID
        return LifecycleCall(function: "QueryInstalledChaincode", argument: args, isChannelScoped: false) { payload in
            let r = try decodeLifecycleResult(Lifecycle_QueryInstalledChaincodeResult.self, payload, "QueryInstalledChaincode")
            return InstalledChaincode(packageID: r.packageID, label: r.label, references: r.references.mapValues {
                $0.chaincodes.map { ChaincodeReference(name: $0.name, version: $0.version) }
            })
        }
    }

    /// `QueryInstalledChaincodes`: every package installed on the peer (channel-less).
    public static func queryInstalledChaincodes() -> LifecycleCall<[InstalledChaincode]> {
        LifecycleCall(function: "QueryInstalledChaincodes", argument: Lifecycle_QueryInstalledChaincodesArgs(),
                      isChannelScoped: false) { payload in
            let r = try decodeLifecycleResult(Lifecycle_QueryInstalledChaincodesResult.self, payload, "QueryInstalledChaincodes")
            return r.installedChaincodes.map { installed in
                InstalledChaincode(packageID: installed.packageID, label: installed.label,
                                   references: installed.references.mapValues {
                                       $0.chaincodes.map { ChaincodeReference(name: $0.name, version: $0.version) }
                                   })
            }
        }
    }

    /// `GetInstalledChaincodePackage`: the package file bytes (channel-less; can be large).
    public static func getInstalledChaincodePackage(packageID: String) -> LifecycleCall<[UInt8]> {
        var args = Lifecycle_GetInstalledChaincodePackageArgs()
        args.packageID = packageID
        return LifecycleCall(function: "GetInstalledChaincodePackage", argument: args, isChannelScoped: false) { payload in
            let r = try decodeLifecycleResult(Lifecycle_GetInstalledChaincodePackageResult.self, payload,
                                              "GetInstalledChaincodePackage")
            return Array(r.chaincodeInstallPackage)
        }
    }
}
