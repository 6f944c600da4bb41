// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

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
    public const string CertificateNotForClientAuthentication = "The transport certificate is not a TLS client certificate: it must carry the clientAuth extended key usage.";
    public const string CertificateRevoked = "The transport certificate has been revoked by its certificate authority.";
    public const string CertificateRevocationUnknown = "The transport certificate's revocation status cannot be determined: it names no CRL distribution point or OCSP responder.";
    public const string CertificateNotOfRegistration = "The transport certificate does not belong to this client: it names neither the registered organisation or software nor the registered tls_client_auth_subject_dn.";
    /// <summary>The most characters of a JWKS lookup's reason written into an error description (reasons come from a pluggable resolver and may quote the kid).</summary>
    internal const int MaxReasonLength = 200;

    public const string ClientDisabled = "The client is disabled by the bank.";

    public const string JtiReplayed = "The request's jti has already been used; sign a new request with a fresh jti.";

    public static string BodyTooLarge(int limit) => $"The request body is larger than {limit} bytes.";

    public static string SoftwareStatementUntrustedIssuer(string issuer)
        => $"The software statement's issuer '{Truncate(issuer)}' is not a trust anchor of this bank.";

    public static string AlgorithmNotAccepted(string what, string algorithm, IEnumerable<string> accepted)
        => $"The {what} is signed with {Truncate(algorithm)}; accepted: {string.Join(", ", accepted)}.";

    /// <summary>
    /// Makes client text fit to echo in a description (and so in a log line): control, format (bidi overrides,
    /// zero-width), separator and lone surrogate characters are written as <c>\uXXXX</c>, so that the description
    /// stays one honest line, and the result is cut after about <paramref name="max"/> characters with an ellipsis.
    /// </summary>
    /// <param name="value">The client's text.</param>
    /// <param name="max">The most characters written before the ellipsis (an escape may add five).</param>
    /// <returns>The text to embed.</returns>
    public static string Truncate(string? value, int max = 80)
    {
        if (value is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder(Math.Min(value.Length, max) + 8);
        for (var i = 0; i < value.Length; i++)
        {
            if (builder.Length >= max)
            {
                return builder.Append('…').ToString();
            }

            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
