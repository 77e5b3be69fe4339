import HTTPTypes
import Hummingbird

/// The headers every answer carries. The CSP allows this site's own stylesheet and nothing
/// else: no script at all (the pages need none), no inline style, no frames around the pages
/// (clickjacking), forms posting only here. No referrer leaves: URLs hold card numbers.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    let tls: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        // The till page sets its own (it runs its script and talks to the gateway's bridge).
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        }
        // The widget (/w/TOKEN) names the sites that may frame it in its CSP; every other page
        // is framed by nobody, for browsers that read only the older header too.
        if response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") ?? true {
            response.headers[.xFrameOptions] = "DENY"
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if tls { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let xRealIP = HTTPField.Name("X-Real-IP")!
}
