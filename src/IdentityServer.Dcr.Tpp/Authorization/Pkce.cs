// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;
using Base64Url = System.Buffers.Text.Base64Url;

namespace IdentityServer.Dcr.Tpp.Authorization;

/// <summary>
/// RFC 7636 PKCE with <c>S256</c>, the only method FAPI allows: a verifier of 32 random bytes (43 base64url
/// characters) and its challenge <c>BASE64URL(SHA256(ASCII(verifier)))</c>.
/// </summary>
internal static class Pkce
{
    public const string Method = "S256";

    public static string CreateVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        if (!IsValidVerifier(verifier))
        {
            throw new TppException("a PKCE code_verifier is 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636 §4.1).");
        }

        return Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
    }

    /// <summary>RFC 7636 §4.1: <c>code-verifier = 43*128unreserved</c>.</summary>
    public static bool IsValidVerifier(string verifier)
        => verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
