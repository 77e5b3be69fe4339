import LoyalgateClient
import Testing

/// What `--core` accepts: a socket path as always, or `tls://HOST:PORT` with a certificate.
@Suite struct CoreEndpointTests {
    let identity = CoreEndpoint.TLSIdentity(folder: "/etc/loyalgate/tls")

    @Test func aPathIsASocketAndATLSAddressNeedsACertificate() throws {
        #expect(
            try CoreEndpoint.parse("/run/loyalgate/core.sock", identity: nil) == .unix(path: "/run/loyalgate/core.sock")
        )
        #expect(
            try CoreEndpoint.parse("tls://core.coop.example:7443", identity: identity)
                == .tls(host: "core.coop.example", port: 7443, identity: identity))
        #expect(
            try CoreEndpoint.parse("tls://[::1]:7443", identity: identity)
                == .tls(host: "::1", port: 7443, identity: identity))
        #expect(CoreEndpoint.tls(host: "::1", port: 7443, identity: identity).description == "tls://[::1]:7443")
        #expect(identity.key == "/etc/loyalgate/tls/key.pem")
        #expect(throws: CoreEndpoint.Invalid.self) { try CoreEndpoint.parse("tls://core:7443", identity: nil) }
        for bad in ["tls://core", "tls://core:0", "tls://core:70000", "tls://:7443", "tls://core:port"] {
            #expect(throws: CoreEndpoint.Invalid.self) { try CoreEndpoint.parse(bad, identity: identity) }
        }
    }

    @Test func missingCertificateFilesAreNamedBeforeAnythingIsDialled() throws {
        #expect {
            try LoyalgateClient(endpoint: .tls(host: "127.0.0.1", port: 1, identity: identity))
        } throws: { error in
            "\(error)".contains("tls://127.0.0.1:1") && "\(error)".contains("/etc/loyalgate/tls/cert.pem")
                && "\(error)".contains("cannot be read")
        }
    }
}
