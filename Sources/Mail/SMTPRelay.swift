import CCurl
import Foundation

/// Where and how a merchant's mail leaves: an SMTP relay reached through libcurl.
public struct RelaySettings: Sendable, Hashable, Codable {
    /// `smtp://host:587` (STARTTLS as `tls` says) or `smtps://host:465` (TLS from the start).
    public var url: String
    /// For `smtp://`: `required` (the default: refuse to send in clear), `optional` (STARTTLS
    /// when the relay offers it) or `none` (a relay on the same machine or a test relay).
    public var tls: StartTLS
    public var username: String?
    public var password: String?
    /// A CA bundle for a relay whose certificate is not signed by the system's CAs.
    public var caFile: String?

    public enum StartTLS: String, Sendable, Hashable, Codable {
        case required, optional, none
    }

    public init(
        url: String, tls: StartTLS = .required, username: String? = nil, password: String? = nil,
        caFile: String? = nil
    ) {
        self.url = url
        self.tls = tls
        self.username = username
        self.password = password
        self.caFile = caFile
    }

    enum CodingKeys: String, CodingKey { case url, tls, username, password, caFile }

    /// `tls` may be left out: STARTTLS is then required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        tls = try container.decodeIfPresent(StartTLS.self, forKey: .tls) ?? .required
        username = try container.decodeIfPresent(String.self, forKey: .username)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
    }
}

/// What became of one delivery attempt, as the outbox records it.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The relay answered 250 to the message: it is the relay's now.
    case delivered(answer: String)
    /// A 4xx answer, or no answer at all (the relay down, a broken connection): try again later.
    case temporaryFailure(answer: String)
    /// A 5xx answer: the relay will never take this mail; it is recorded as failed.
    case permanentFailure(answer: String)

    public var answer: String {
        switch self {
        case .delivered(let answer), .temporaryFailure(let answer), .permanentFailure(let answer): answer
        }
    }
}

/// One SMTP client on one libcurl easy handle; the handle keeps its connection to the relay
/// between messages, so a pass of thousands of mails does not open thousands of connections.
/// Not thread-safe: one sender per task.
public final class SMTPSender {
    let settings: RelaySettings
    let handle: UnsafeMutableRawPointer

    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(settings: RelaySettings) throws {
        guard settings.url.hasPrefix("smtp://") || settings.url.hasPrefix("smtps://") else {
            throw SetupError(description: "The relay \(settings.url) is not an smtp:// or smtps:// URL.")
        }
        Self.globalInit
        guard let handle = curl_easy_init() else {
            throw SetupError(description: "libcurl could not make a handle.")
        }
        self.settings = settings
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// curl_global_init is not thread-safe: done once, before any handle.
    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Sends one rendered message to one recipient; never throws: every failure is an outcome.
    public func send(from sender: String, to recipient: String, message: Data) -> DeliveryOutcome {
        curl_easy_reset(handle)
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let body = ReadState(message)
        let unmanaged = Unmanaged.passRetained(body)
        defer { unmanaged.release() }
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        recipients = curl_slist_append(recipients, "<\(recipient)>")
        defer { curl_slist_free_all(recipients) }

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            loyalgate_curl_set_string(handle, CURLOPT_URL, settings.url)
            loyalgate_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
            loyalgate_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>")
            loyalgate_curl_set_list(handle, CURLOPT_MAIL_RCPT, recipients)
            loyalgate_curl_set_long(handle, CURLOPT_UPLOAD, 1)
            loyalgate_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            loyalgate_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, 20)
            // A stalled relay must not stall the pass: under 100 bytes/s for 60 s ends it.
            loyalgate_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 100)
            loyalgate_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, 60)
            if settings.url.hasPrefix("smtp://") {
                let level: Int =
                    switch settings.tls {
                    case .required: Int(CURLUSESSL_ALL.rawValue)
                    case .optional: Int(CURLUSESSL_TRY.rawValue)
                    case .none: Int(CURLUSESSL_NONE.rawValue)
                    }
                loyalgate_curl_set_long(handle, CURLOPT_USE_SSL, level)
            }
            if let username = settings.username {
                loyalgate_curl_set_string(handle, CURLOPT_USERNAME, username)
                loyalgate_curl_set_string(handle, CURLOPT_PASSWORD, settings.password ?? "")
            }
            if let caFile = settings.caFile { loyalgate_curl_set_string(handle, CURLOPT_CAINFO, caFile) }
            loyalgate_curl_set_pointer(handle, CURLOPT_READDATA, unmanaged.toOpaque())
            loyalgate_curl_set_read_function(handle) { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                let state = Unmanaged<ReadState>.fromOpaque(context).takeUnretainedValue()
                return state.read(into: buffer, capacity: size * count)
            }
            loyalgate_curl_set_long(handle, CURLOPT_INFILESIZE, message.count)
            let code = curl_easy_perform(handle)
            // The buffer lives only for this call; libcurl may report errors later (a QUIT on
            // cleanup) and must not write them into freed memory.
            loyalgate_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, nil)
            return code
        }
        var response = 0
        loyalgate_curl_response_code(handle, &response)
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return Self.outcome(curl: code.rawValue, response: response, text: text)
    }

    /// The relay's last answer decides: 2xx delivered, 4xx later, 5xx never. Without an answer
    /// (no connection, TLS refused, a timeout) the relay may be back later: temporary.
    static func outcome(curl: UInt32, response: Int, text: String) -> DeliveryOutcome {
        if curl == CURLE_OK.rawValue {
            return .delivered(answer: response > 0 ? "\(response) accepted" : "accepted")
        }
        let answer = response > 0 ? "\(response) \(text)" : text
        switch response {
        case 500...599: return .permanentFailure(answer: answer)
        default: return .temporaryFailure(answer: answer)
        }
    }
}

/// The message libcurl reads from while it uploads.
final class ReadState {
    let data: Data
    var offset = 0

    init(_ data: Data) { self.data = data }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, data.count - offset)
        guard count > 0 else { return 0 }
        data.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: bytes.baseAddress!.advanced(by: offset), byteCount: count)
        }
        offset += count
        return count
    }
}
