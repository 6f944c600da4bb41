// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// Fetches and caches JSON Web Key Sets and finds signing keys in them.
/// </summary>
/// <remarks>
/// Used by the software statement validator (trust anchors' JWKS) and the request object validator (the TPP's
/// <c>software_jwks_endpoint</c>). The default <c>JwksResolver</c> caches each URL for
/// <see cref="Configuration.JwksOptions.CacheDuration"/>, refreshes once on an unknown <c>kid</c> (no more often than
/// <see cref="Configuration.JwksOptions.MinRefreshInterval"/>), and for <see cref="JwksSourceKind.Software"/> URLs
/// enforces the SSRF policy at connection time. Replace it to add, for example, a distributed cache.
/// </remarks>
public interface IJwksResolver
{
    /// <summary>Finds the public signing key <paramref name="keyId"/> in the JWKS at <paramref name="jwksUri"/>.</summary>
    /// <param name="jwksUri">The JWKS URL.</param>
    /// <param name="keyId">The <c>kid</c> of the JWS header; <see langword="null"/> matches the only signing key of the set.</param>
    /// <param name="kind">Who chose the URL: decides the network policy.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The key, or why it could not be found.</returns>
    /// <exception cref="DcrInfrastructureException">The host could not be reached or timed out, and no cached copy holds the key.</exception>
    Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, JwksSourceKind kind, CancellationToken ct);

    /// <summary>
    /// Finds the public signing key for a JWS header in the JWKS at <paramref name="jwksUri"/>, by the rule of
    /// <see cref="JwkSelector"/>: its <c>kid</c> when it has one (absent and empty are the same), otherwise the one key
    /// that fits <paramref name="algorithm"/>.
    /// </summary>
    /// <param name="jwksUri">The JWKS URL.</param>
    /// <param name="keyId">The <c>kid</c> of the JWS header; <see langword="null"/> or empty when it has none.</param>
    /// <param name="algorithm">The <c>alg</c> of the JWS header, or <see langword="null"/> when unknown.</param>
    /// <param name="kind">Who chose the URL: decides the network policy.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The key, or why it could not be found.</returns>
    /// <exception cref="DcrInfrastructureException">The host could not be reached or timed out, and no cached copy holds the key.</exception>
    /// <remarks>The default implementation, for resolvers written before the algorithm was passed, ignores it.</remarks>
    Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, string? algorithm, JwksSourceKind kind, CancellationToken ct)
        => FindKeyAsync(jwksUri, string.IsNullOrEmpty(keyId) ? null : keyId, kind, ct);
}
