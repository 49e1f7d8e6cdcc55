import ChaincodeLifecycle
import Foundation
import JSON
import WebServer

/// `POST …/chaincodes/{name}/evaluate|submit`.
enum InvokeRoutes {
    static func routes(_ lc: @escaping LifecycleProvider) -> [APIRoute] {
        @Sendable func service() throws -> InvokeService {
            try lc().invocations
        }
        return [
            // A query: it changes nothing on the ledger, so it is not audited (it still needs a token).
            APIRoute("POST", ChaincodeRoutes.base + "/{name}/evaluate", .invoke, readOnly: true, deadline: RouteDeadline.query) { ctx in
                let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
                let invoke = try service()
                let call = try parse(JSONBody(ctx.request), allowInit: false)
                ctx.auditTarget = "\(channel)/\(name)"
                ctx.auditDetail = call.function
                return .json(.object(InvokeService.resultJSON(try await invoke.evaluate(call, channel: channel, name: name))))
            },
            APIRoute("POST", ChaincodeRoutes.base + "/{name}/submit", .invoke, audit: "chaincode.submit", deadline: RouteDeadline.transaction) { ctx in
                let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
                let invoke = try service()
                let body = try JSONBody(ctx.request)
                let call = try parse(body, allowInit: true)
                ctx.auditTarget = "\(channel)/\(name)"
                ctx.auditDetail = call.function
                guard try body.bool("wait", default: true) else {
                    let op = try await invoke.submitInBackground(call, channel: channel, name: name, by: ctx.principal.name)
                    return .json(.object([("operation", op.json)]), status: 202)
                }
                let (result, status) = try await invoke.submit(call, channel: channel, name: name)
                return .json(InvokeService.submitJSON(result, status))
            },
        ]
    }

    static func parse(_ body: JSONBody, allowInit: Bool) throws -> InvokeService.Call {
        let function = try body.string("function")
        var args = try body.strings("args").map { Array($0.utf8) }
        for (i, b) in try body.strings("argsBase64").enumerated() {
            guard let d = Data(base64Encoded: b) else { throw JSONBody.invalid("argsBase64[\(i)]", "is not base64") }
            args.append(Array(d))
        }
        var transient: [String: [UInt8]] = [:]
        for (k, v) in try body.stringMap("transient") {
            guard let d = Data(base64Encoded: v) else { throw JSONBody.invalid("transient.\(k)", "is not base64") }
            transient[k] = Array(d)
        }
        let isInit = allowInit ? try body.bool("init", default: false) : false
        return InvokeService.Call(function: function, arguments: args, transient: transient, isInit: isInit)
    }
}
