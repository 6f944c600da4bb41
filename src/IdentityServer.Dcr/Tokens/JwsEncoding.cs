// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers;

namespace IdentityServer.Dcr.Tokens;

/// <summary>
/// The encoding rule of every compact JWS the bank reads (RFC 7515 §2, §7.1): each part is base64url without padding.
/// Standard base64 (<c>+</c>, <c>/</c>, <c>=</c>) is refused, so that no two encodings of one token are accepted. The
/// engine's reader applies it; a plug-in that hands a token to its server's own JWT reader (request objects on Duende)
/// applies it first.
/// </summary>
public static class JwsEncoding
{
    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>
    /// Whether <paramref name="token"/> is three dot-separated parts, each base64url without padding (the signature may
    /// not be empty).
    /// </summary>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> when every part uses only the base64url alphabet.</returns>
    public static bool IsBase64UrlCompact(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var span = token.AsSpan();
        var parts = 0;
        foreach (var range in span.Split('.'))
        {
            var part = span[range];
            if (++parts > 3 || part.IsEmpty || part.ContainsAnyExcept(Base64UrlAlphabet))
            {
                return false;
            }
        }

        return parts == 3;
    }

    /// <summary>Whether one part uses only the base64url alphabet (no padding).</summary>
    /// <param name="part">The part.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    internal static bool IsBase64UrlPart(ReadOnlySpan<char> part) => !part.ContainsAnyExcept(Base64UrlAlphabet);
}
