// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// The one syntax rule for every URI a TPP or a directory hands the bank (redirect URIs, <c>software_jwks_endpoint</c>,
/// logo, policy, terms and client URIs, notification endpoints): an absolute <c>https</c> URI as RFC 3986 writes it,
/// checked on the text itself before any comparison, because <see cref="Uri"/> forgives (it trims and percent-encodes
/// spaces and line breaks, and accepts raw Unicode). A directory's signature does not make a URI valid.
/// </summary>
internal static class UriRules
{
    // RFC 3986 §2: unreserved, gen-delims and sub-delims; '%' only as the start of a percent-encoding.
    private static readonly SearchValues<char> UriCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%");

    /// <summary>Why <paramref name="value"/> is not an acceptable absolute <c>https</c> URI, or <see langword="null"/>.</summary>
    /// <param name="value">The URI as sent.</param>
    /// <param name="allowHttp">Whether <c>http</c> is accepted as well (a bank's test setting for JWKS URLs).</param>
    /// <param name="uri">The parsed URI when acceptable.</param>
    /// <returns>The problem, phrased to follow "The … URI 'x' ", or <see langword="null"/>.</returns>
    public static string? CheckAbsoluteHttps(string value, bool allowHttp, out Uri? uri)
    {
        ArgumentNullException.ThrowIfNull(value);
        uri = null;
        var invalid = value.AsSpan().IndexOfAnyExcept(UriCharacters);
        if (invalid >= 0)
        {
            return char.IsControl(value[invalid]) ? DcrErrorDescriptions.UriHasControlCharacter
                : value[invalid] == ' ' ? DcrErrorDescriptions.UriHasSpace
                : DcrErrorDescriptions.UriHasUnencodedCharacter;
        }

        for (var i = value.IndexOf('%', StringComparison.Ordinal); i >= 0; i = value.IndexOf('%', i + 1))
        {
            if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
            {
                return DcrErrorDescriptions.UriHasBadPercentEncoding;
            }
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed)
            || !(parsed.Scheme == Uri.UriSchemeHttps || (allowHttp && parsed.Scheme == Uri.UriSchemeHttp))
            || !value.StartsWith(parsed.Scheme + "://", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(parsed.Host))
        {
            return allowHttp ? DcrErrorDescriptions.UriNotAbsoluteHttpsOrHttp : DcrErrorDescriptions.UriNotAbsoluteHttps;
        }

        if (value.Contains('#', StringComparison.Ordinal))
        {
            return DcrErrorDescriptions.UriHasFragment;
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo) || AuthorityOf(value).Contains('@', StringComparison.Ordinal))
        {
            return DcrErrorDescriptions.UriHasUserInformation;
        }

        uri = parsed;
        return null;
    }

    private static string AuthorityOf(string value)
    {
        var start = value.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = value.IndexOfAny(['/', '?', '#'], start);
        return end < 0 ? value[start..] : value[start..end];
    }
}
