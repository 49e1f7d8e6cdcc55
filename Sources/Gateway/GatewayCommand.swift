import ArgumentParser

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaincode-gateway",
        abstract: "HTTP admin gateway for the Hyperledger Fabric chaincode lifecycle.",
        subcommands: [ServeCommand.self, TokenCommand.self, CheckConfigCommand.self, DeployCommand.self, StatusCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
