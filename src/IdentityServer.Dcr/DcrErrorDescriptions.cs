// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

/// <summary>
/// The catalogue of error descriptions shared by several steps (tests assert on these). Descriptions name the
/// offending claim and what is expected; they never echo tokens or secrets.
/// </summary>
internal static class DcrErrorDescriptions
{
    public const string SoftwareStatementMissing = "The request has no software_statement claim.";
    public const string SoftwareStatementNotString = "The request's software_statement is not a string.";
    public const string SoftwareStatementTyp = "The software statement's typ header is not JWT.";
    public const string SoftwareStatementIssuerMissing = "The software statement has no iss claim.";

    public const string ContentTypeUnsupported = "The request's Content-Type must be application/jose, application/jwt or application/json.";
    public const string BodyEmpty = "The request body is empty; send the registration request as a signed JWT.";
    public const string BodyNotJwt = "The request body is not a signed JWT (compact JWS); OBIE registration requests must be signed.";

    public const string CertificateMissing = "A transport certificate is required: connect with mutual TLS.";
    public const string JtiReplayed = "The request's jti has already been used; sign a new request with a fresh jti.";

    public static string BodyTooLarge(int limit) => $"The request body is larger than {limit} bytes.";

    public static string SoftwareStatementUntrustedIssuer(string issuer)
        => $"The software statement's issuer '{Truncate(issuer)}' is not a trust anchor of this bank.";

    public static string AlgorithmNotAccepted(string what, string algorithm, IEnumerable<string> accepted)
        => $"The {what} is signed with {Truncate(algorithm)}; accepted: {string.Join(", ", accepted)}.";

    /// <summary>Shortens client-supplied text quoted in a description.</summary>
    public static string Truncate(string? value, int max = 80)
        => value is null ? "(none)" : value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");
}
