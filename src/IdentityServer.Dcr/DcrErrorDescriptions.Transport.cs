// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

// Transport: the request's media type and body (RegistrationRequestReader and the plug-ins' registration
// endpoints), the transport certificate (TransportCertificateValidator, the forwarded-certificate middleware), and
// the service's availability.
public static partial class DcrErrorDescriptions
{
    internal const string ContentTypeUnsupported =
        "The request's Content-Type must be application/jose, application/jwt or application/json.";

    internal const string BodyEmpty = "The request body is empty; send the registration request as a signed JWT.";

    internal const string BodyNotJwt =
        "The request body is not a signed JWT (compact JWS); OBIE registration requests must be signed.";

    internal const string BodyNotUtf8 = "The request body is not valid UTF-8.";

    internal const string CertificateMissing = "A transport certificate is required: connect with mutual TLS.";

    internal const string CertificateNotForClientAuthentication =
        "The transport certificate is not a TLS client certificate: it must carry the clientAuth extended key usage.";

    internal const string CertificateRevoked = "The transport certificate has been revoked by its certificate authority.";

    internal const string CertificateRevocationUnknown =
        "The transport certificate's revocation status cannot be determined: it names no CRL distribution point or "
        + "OCSP responder.";

    internal const string CertificateNotOfRegistration =
        "The transport certificate does not belong to this client: it names neither the registered organisation or "
        + "software nor the registered tls_client_auth_subject_dn.";

    internal const string CertificateNotOfSoftwareStatement =
        "The transport certificate does not belong to the organisation or software of the software statement.";

    internal static string BodyTooLarge(int limit) => $"The request body is larger than {limit} bytes.";

    internal static string RegistrationRequestMalformed(string problem) => $"The registration request {problem}.";

    internal static string CertificateNotTrusted(string status) => $"The transport certificate is not trusted by this bank ({status}).";

    /// <summary>The proxy forwarded no single, readable client certificate (<c>invalid_request</c>).</summary>
    public const string ForwardedCertificateInvalid =
        "The client certificate forwarded by the proxy must be exactly one header value holding exactly one certificate.";

    /// <summary>
    /// A request the framework could not read (a form or body over its limits, a malformed body); the framework's reason
    /// follows.
    /// </summary>
    public const string RequestUnreadable = "The request could not be read:";

    /// <summary>An OAuth request parameter sent more than once (RFC 6749 section 3.1).</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The description.</returns>
    public static string ParameterRepeated(string name)
        => $"The '{name}' parameter is sent more than once; request parameters must not repeat (RFC 6749 section 3.1).";

    /// <summary>A store or JWKS host the registration service depends on is unavailable (<c>503</c>).</summary>
    public const string ServiceUnavailable = "The registration service is temporarily unavailable; retry later.";

    /// <summary>Duende: a registration request that did not come signed through the adapter's endpoints.</summary>
    public const string SignedRequestRequired = "A signed registration request (application/jose) is required.";

    /// <summary>Duende: the verified claims do not deserialize into Duende's registration request.</summary>
    public const string ClaimsNotMetadataDocument = "The registration request's claims do not form a client metadata document.";

    /// <summary>Duende: the request body could not be read.</summary>
    public const string BodyMalformed = "The request body is malformed.";

    /// <summary>Duende: the request's media type is not one the registration endpoint reads.</summary>
    public const string ContentTypeNotJose = "Unsupported content type: send the signed request as application/jose.";
}
