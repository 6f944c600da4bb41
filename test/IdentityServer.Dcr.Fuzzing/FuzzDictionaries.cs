// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>The dictionary tokens the mutator inserts, per target (AFL's <c>-x</c>).</summary>
internal static class FuzzDictionaries
{
    private static readonly string[] Json =
    [
        "{", "}", "[", "]", ":", ",", "\"", "\"\"", "\\", "\\\"", "\\u0000", "\\uD800", "\\uDC00", "\\uD83D\\uDE00", "\\n", "\\/",
        "true", "false", "null", "0", "-1", "1e308", "-0", "1.5", "1E400", "9223372036854775808", "253402300800", "{}", "[]",
        "\"alg\"", "\"kid\"", "\"typ\"", "\"kty\"", "\"use\"", "\"crv\"", "\"enc\"", "\"crit\"", "\"jku\"", "\"x5c\"",
        "\"iss\"", "\"aud\"", "\"iat\"", "\"exp\"", "\"nbf\"", "\"jti\"", "\"sub\"", "\"software_statement\"",
        "\"software_id\"", "\"redirect_uris\"", "\"grant_types\"", "\"token_endpoint_auth_method\"", "\"scope\"",
        "\"tls_client_auth_subject_dn\"", "\"software_jwks_endpoint\"",
    ];

    private static readonly string[] Jwk =
    [
        "\"keys\"", "\"kty\"", "\"RSA\"", "\"EC\"", "\"oct\"", "\"OKP\"", "\"use\"", "\"sig\"", "\"enc\"", "\"key_ops\"",
        "\"verify\"", "\"sign\"", "\"alg\"", "\"PS256\"", "\"RS256\"", "\"ES256\"", "\"ES384\"", "\"ES512\"", "\"kid\"",
        "\"crv\"", "\"P-256\"", "\"P-384\"", "\"P-521\"", "\"n\"", "\"e\"", "\"AQAB\"", "\"Aw\"", "\"AAEAAQ\"", "\"x\"",
        "\"y\"", "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"oth\"", "\"x5c\"", "\"x5t#S256\"", "AAAA",
    ];

    private static readonly string[] Jws =
    [
        ".", "..", "eyJ", "eyJhbGciOiJQUzI1NiJ9", "eyJhbGciOiJub25lIn0", "eyJhbGciOiJFUzI1NiIsImtpZCI6IjEifQ", "e30",
        "W10", "InN0ciI", "-", "_", "=", "+", "/", "A", "AA", "AAA", "Q", "g", "w", "7", "9",
        "eyJhbGciOiJQUzI1NiIsImVuYyI6IkEyNTZHQ00ifQ", "eyJhbGciOiJQUzI1NiIsImNyaXQiOlsiYiJdfQ", "ZmFrZQ",
    ];

    private static readonly string[] Dn =
    [
        "=", ",", "+", ";", "\"", "\\", "#", "/", " ", "\\,", "\\2C", "\\C3\\A9", "\\00", "\\", "\"\"", ", ", "\t",
        "CN", "O", "OU", "C", "L", "ST", "E", "DC", "UID", "SERIALNUMBER", "emailAddress", "organizationIdentifier",
        "OID.", "OID.2.5.4.97", "2.5.4.3", "2.5.4.97", "1.2.840.113549.1.9.1", "0.9.2342.19200300.100.1.25", "2.999",
        "#0C00", "#130247420", "#1E02D800", "#1C0400110000", "#2C80040247420000", "#0403010203", "#A0", "#30", "#0C8180",
        "CN=", "/CN=", "O=Open Banking Limited", "C=GB", "ﬀ", "\u00A0", "\u0085", "\u2028", "ǅ", "ß",
    ];

    /// <summary>Gets the tokens of a target, as UTF-8.</summary>
    /// <param name="target">The target name.</param>
    /// <returns>The tokens.</returns>
    public static byte[][] For(string target)
    {
        IEnumerable<string> tokens = target switch
        {
            "body" => [.. Json, .. Jws, "application/json"],
            "jws" => [.. Jws, .. Json],
            "dn" => Dn,
            "jwks" => [.. Jwk, .. Json],
            _ => [],
        };
        return [.. tokens.Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>Gets the largest input the mutator makes for a target.</summary>
    /// <param name="target">The target name.</param>
    /// <returns>The size in bytes.</returns>
    public static int MaxLength(string target) => target switch
    {
        "dn" => 4200,
        "jwks" => 16 * 1024,
        _ => 8 * 1024,
    };

    /// <summary>Whether the target's inputs are compact JWS, whose base64url parts the mutator decodes and re-encodes.</summary>
    /// <param name="target">The target name.</param>
    /// <returns><see langword="true"/> for <c>body</c> and <c>jws</c>.</returns>
    public static bool IsCompactJws(string target) => target is "body" or "jws";
}
