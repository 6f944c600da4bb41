// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Jwks;

namespace IdentityServer.Dcr.TrustAnchors;

/// <summary>Finds the key a trust anchor signed a software statement with.</summary>
/// <remarks>
/// The default <see cref="TrustAnchorKeyResolver"/> matches <c>iss</c> exactly against
/// <see cref="Configuration.SoftwareStatementOptions.TrustAnchors"/> and reads the anchor's inline JWKS or fetches its
/// JWKS URL through <see cref="IJwksResolver"/>. Replace it to take anchors from a database or a secrets vault.
/// </remarks>
public interface ITrustAnchorKeyResolver
{
    /// <summary>Whether <paramref name="issuer"/> is a trusted anchor, and its accepted algorithms.</summary>
    /// <param name="issuer">The software statement's <c>iss</c>.</param>
    /// <param name="allowedAlgorithms">The algorithms accepted for that anchor.</param>
    /// <returns><see langword="true"/> when the issuer is trusted.</returns>
    bool TryGetAnchor(string issuer, out ICollection<string> allowedAlgorithms);

    /// <summary>Finds the anchor's key <paramref name="keyId"/>.</summary>
    /// <param name="issuer">A trusted issuer.</param>
    /// <param name="keyId">The <c>kid</c> header.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The key or why it was not found.</returns>
    /// <exception cref="DcrInfrastructureException">The anchor's JWKS host cannot be reached.</exception>
    Task<JwksLookupResult> FindKeyAsync(string issuer, string? keyId, CancellationToken ct);

    /// <summary>Finds the anchor's key for a JWS header, by the rule of <see cref="JwkSelector"/>.</summary>
    /// <param name="issuer">A trusted issuer.</param>
    /// <param name="keyId">The <c>kid</c> header; <see langword="null"/> or empty when absent.</param>
    /// <param name="algorithm">The <c>alg</c> header, or <see langword="null"/>.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The key or why it was not found.</returns>
    /// <exception cref="DcrInfrastructureException">The anchor's JWKS host cannot be reached.</exception>
    /// <remarks>The default implementation, for resolvers written before the algorithm was passed, ignores it.</remarks>
    Task<JwksLookupResult> FindKeyAsync(string issuer, string? keyId, string? algorithm, CancellationToken ct)
        => FindKeyAsync(issuer, string.IsNullOrEmpty(keyId) ? null : keyId, ct);
}
