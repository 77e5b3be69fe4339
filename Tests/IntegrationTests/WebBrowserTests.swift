import Foundation
import Testbed
import Testing

/// The back office in a real browser (issue 14): Tests/Browser/backoffice.py starts a real core
/// and `loyalgate web` on a temporary folder and drives Debian's headless Chromium through
/// chromedriver (python3-selenium; scripts/install-deps installs all three). Its checks are
/// printed one per line; the first that fails ends it with the processes' log.
@Suite struct WebBrowserTests {
    @Test func theBackOfficeWorksInABrowser() throws {
        let script = Loyalgate.repository.appendingPathComponent("Tests/Browser/backoffice.py").path
        let result = try ChildProcess.run(
            "/usr/bin/python3", [script], environment: ["LOYALGATE_BIN": Loyalgate.binary], within: .seconds(300))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("all browser checks passed"), "\(result.stdout)")
    }

    /// The cardholder's pages (issue 17): Tests/Browser/cardholder.py, a token after a real earn,
    /// forged, expired and revoked tokens, the widget on the merchant's site and on another's.
    @Test func theCardholderPageWorksInABrowser() throws {
        let script = Loyalgate.repository.appendingPathComponent("Tests/Browser/cardholder.py").path
        let result = try ChildProcess.run(
            "/usr/bin/python3", [script], environment: ["LOYALGATE_BIN": Loyalgate.binary], within: .seconds(300))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("all cardholder checks passed"), "\(result.stdout)")
    }

    /// The cardholder's personal details through the mailed one-time link, and the mails'
    /// unsubscribe route (issues 15 and 17): Tests/Browser/cardholder_details.py, with a real
    /// SMTP server (aiosmtpd) and `loyalgate mail run`.
    @Test(.enabled(if: SMTPRecorder.available, "needs python3-aiosmtpd (scripts/install-deps)"))
    func thePersonalDetailsNeedTheMailedLink() throws {
        let script = Loyalgate.repository.appendingPathComponent("Tests/Browser/cardholder_details.py").path
        let result = try ChildProcess.run(
            "/usr/bin/python3", [script], environment: ["LOYALGATE_BIN": Loyalgate.binary], within: .seconds(300))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("all cardholder details checks passed"), "\(result.stdout)")
    }

    /// Statistics and segments (issue 15): Tests/Browser/statistics.py, figures against the
    /// sales made, small groups hidden, CSV downloads equal to the tables, a segment by consent.
    @Test func statisticsAndSegmentsWorkInABrowser() throws {
        let script = Loyalgate.repository.appendingPathComponent("Tests/Browser/statistics.py").path
        let result = try ChildProcess.run(
            "/usr/bin/python3", [script], environment: ["LOYALGATE_BIN": Loyalgate.binary], within: .seconds(300))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("all statistics checks passed"), "\(result.stdout)")
    }
}
