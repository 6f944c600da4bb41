// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tokens;
using Jose;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The one rule for picking the key of a JWS header in a key set, used for every key a TPP or a trust anchor
/// publishes (software statements, registration requests, client assertions, request objects; both plug-ins).
/// </summary>
/// <remarks>
/// A <c>kid</c> is optional in a JWS (RFC 7515 §4.1.4), and an empty one names nothing: both mean "no kid". With a
/// <c>kid</c>, the one key with that <c>kid</c> (ordinal comparison; two keys sharing it are ambiguous and match
/// nothing). Without one, the one key that fits the header's <c>alg</c> (key type, curve, size, and its own
/// <c>alg</c> and <c>use</c> when it states them); several fitting keys are ambiguous and match nothing, so the
/// TPP must name one.
/// </remarks>
public static class JwkSelector
{
    /// <summary>A <c>kid</c> header as the selection reads it: <see langword="null"/> for absent or empty.</summary>
    /// <param name="keyId">The header's <c>kid</c>.</param>
    /// <returns>The <c>kid</c>, or <see langword="null"/>.</returns>
    public static string? NormalizeKeyId(string? keyId) => string.IsNullOrEmpty(keyId) ? null : keyId;

    /// <summary>Picks the key for a JWS header.</summary>
    /// <param name="keys">The usable public signing keys of the set.</param>
    /// <param name="keyId">The header's <c>kid</c>; absent or empty means none.</param>
    /// <param name="algorithm">The header's <c>alg</c>; <see langword="null"/> when unknown (then, without a
    /// <c>kid</c>, the set must hold one key).</param>
    /// <returns>The key, or <see langword="null"/> when none or several match.</returns>
    public static Jwk? Select(IReadOnlyList<Jwk> keys, string? keyId, string? algorithm)
    {
        ArgumentNullException.ThrowIfNull(keys);
        keyId = NormalizeKeyId(keyId);
        Jwk? match = null;
        foreach (var key in keys)
        {
            var fits = keyId is null
                ? string.IsNullOrEmpty(algorithm) || JwsVerifier.CheckKeyFits(key, algorithm) is null
                : string.Equals(key.KeyId, keyId, StringComparison.Ordinal);
            if (!fits)
            {
                continue;
            }

            if (match is not null)
            {
                return null;
            }

            match = key;
        }

        return match;
    }

    /// <summary>Why <see cref="Select"/> found nothing, fit for an error description.</summary>
    /// <param name="keyId">The header's <c>kid</c>.</param>
    /// <returns>The reason.</returns>
    public static string NotFoundReason(string? keyId)
        => NormalizeKeyId(keyId) is null ? JwksReasons.NoSingleKey : JwksReasons.KeyNotFound;
}
