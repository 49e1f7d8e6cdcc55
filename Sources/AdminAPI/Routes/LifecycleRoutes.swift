import ChaincodeLifecycle

/// Hands the lifecycle services to a route handler, or fails with 503 when the gateway runs
/// without a `network:` configuration (the routes exist either way, so the route table is stable).
typealias LifecycleProvider = @Sendable () throws -> LifecycleServices

enum LifecycleRoutes {
    static func provider(_ services: LifecycleServices?) -> LifecycleProvider {
        { () throws -> LifecycleServices in
            guard let services else {
                throw LifecycleError(.networkNotConfigured,
                                     "no Fabric network configured; start the gateway with --config naming a file with a 'network:' section")
            }
            return services
        }
    }

    static func routes(_ services: LifecycleServices?) -> [APIRoute] {
        let lc = provider(services)
        return NetworkRoutes.routes(lc) + InstallRoutes.routes(lc) + OperationRoutes.routes(lc) + ChaincodeRoutes.routes(lc) + DeploymentRoutes.routes(lc)
            + EventRoutes.routes(lc)
    }
}
