import ChainCA
import Foundation
import LoyalgateProtocol
import SwiftASN1
import Testing
import X509

/// The core's check of a client certificate, in-process, on certificates a real CA folder
/// issued: what each refusal says in the core's log, and the revocation list re-read.
@Suite struct ClientCertificateCheckTests {
    let folder = NSTemporaryDirectory() + "chain-ca-\(UUID().uuidString.prefix(8))"
    let authority: ChainAuthority

    init() throws {
        authority = try ChainAuthority.initialize(folder: folder + "/ca", name: "Coop")
    }

    func chain(_ name: String) throws -> [[UInt8]] {
        let pem = try String(contentsOfFile: folder + "/ca/issued/\(name)/cert.pem", encoding: .utf8)
        var serializer = DER.Serializer()
        try serializer.serialize(try Certificate(pemEncoded: pem))
        return [serializer.serializedBytes]
    }

    func check(revocations: Bool = true) throws -> ClientCertificateCheck {
        try ClientCertificateCheck(
            authorities: [authority.certificate], revocationPath: revocations ? folder + "/ca/revoked.json" : nil)
    }

    func refusal(_ result: Result<CertificateHolder, CertificateRefusal>) -> String? {
        if case .failure(let refusal) = result { return refusal.description }
        return nil
    }

    @Test func aTillCertificateNamesItsCallerRoleAndMerchant() throws {
        try authority.issue(name: "shop-12-till-1", role: .till, merchant: "shop-12", notAfter: Date() + 86_400)
        let holder = try check().check(chain: try chain("shop-12-till-1")).get()
        #expect(holder.name == "shop-12-till-1")
        #expect(holder.role == .till)
        #expect(holder.merchant == "shop-12")
        try authority.issue(name: "office", role: .backOffice, merchant: nil, notAfter: Date() + 86_400)
        let office = try check().check(chain: try chain("office")).get()
        #expect(office.role == .backOffice && office.merchant == nil)
    }

    @Test func expiredNotYetValidServerAndForeignCertificatesAreRefusedWithTheReason() throws {
        try authority.issue(
            name: "old", role: .till, merchant: nil, notBefore: Date(timeIntervalSince1970: 1_700_000_000),
            notAfter: Date(timeIntervalSince1970: 1_735_689_600))
        #expect(
            refusal(try check().check(chain: try chain("old")))?.contains("expired on 2025-01-01T00:00:00Z") == true)
        try authority.issue(
            name: "early", role: .till, merchant: nil, notBefore: Date() + 86_400, notAfter: Date() + 2 * 86_400)
        #expect(refusal(try check().check(chain: try chain("early")))?.contains("is not valid before") == true)
        try authority.issue(name: "core", role: nil, merchant: nil, hosts: ["127.0.0.1"], notAfter: Date() + 86_400)
        #expect(refusal(try check().check(chain: try chain("core")))?.contains("is not a client certificate") == true)

        let other = try ChainAuthority.initialize(folder: folder + "/other", name: "Someone else")
        try other.issue(name: "stranger", role: .backOffice, merchant: nil, notAfter: Date() + 86_400)
        let pem = try String(contentsOfFile: folder + "/other/issued/stranger/cert.pem", encoding: .utf8)
        var serializer = DER.Serializer()
        try serializer.serialize(try Certificate(pemEncoded: pem))
        #expect(
            refusal(try check().check(chain: [serializer.serializedBytes]))?.contains(
                "was not issued by this chain's CA") == true)
        #expect(
            refusal(try check().check(chain: [[0x30, 0x03, 0x02, 0x01, 0x01]]))?.contains("cannot be read") == true)
        #expect(refusal(try check().check(chain: [])) == "no client certificate")
    }

    @Test func theRevocationListIsReReadWhenItChangesAndAnUnreadableOneRefusesEveryone() throws {
        try authority.issue(name: "till-1", role: .till, merchant: nil, notAfter: Date() + 86_400)
        try authority.issue(name: "till-2", role: .till, merchant: nil, notAfter: Date() + 86_400)
        let check = try check()
        #expect(try check.check(chain: try chain("till-1")).get().name == "till-1")
        let revoked = try authority.revoke("till-1")
        #expect(revoked.map(\.name) == ["till-1"])
        #expect(refusal(check.check(chain: try chain("till-1")))?.contains("was revoked on") == true)
        #expect(try check.check(chain: try chain("till-2")).get().name == "till-2")
        // Revoking by serial finds the same certificate.
        #expect(try authority.revoke(revoked[0].serial).map(\.name) == ["till-1"])

        try Data("not json".utf8).write(to: URL(fileURLWithPath: folder + "/ca/revoked.json"))
        #expect(refusal(check.check(chain: try chain("till-2")))?.contains("every client is refused") == true)
        try RevocationList().save(path: folder + "/ca/revoked.json")
        #expect(try check.check(chain: try chain("till-1")).get().name == "till-1")
        #expect(throws: CertificateRefusal.self) {
            try ClientCertificateCheck(authorities: [authority.certificate], revocationPath: folder + "/missing.json")
        }
    }

    @Test func namesThatWouldLeaveTheCAFolderAreRefused() throws {
        for name in ["../escape", "a/b", "", ".hidden", String(repeating: "x", count: 65)] {
            #expect(throws: CertificateRefusal.self) {
                try authority.issue(name: name, role: .till, merchant: nil, notAfter: Date() + 86_400)
            }
        }
        try authority.issue(name: "till-1", role: .till, merchant: nil, notAfter: Date() + 86_400)
        #expect(throws: CertificateRefusal.self) {
            try authority.issue(name: "till-1", role: .till, merchant: nil, notAfter: Date() + 86_400)
        }
        #expect(try authority.list().count == 1)
    }
}
