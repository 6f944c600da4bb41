// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using Jose;

namespace IdentityServer.Dcr.ClientAuthentication;

/// <summary>
/// The outcome of <see cref="IClientAuthenticator.CheckAssertionAsync"/>: the TPP key the plug-in verifies the
/// assertion's signature with, and the claims it then enforces itself (audience, replay), or an <c>invalid_client</c>.
/// </summary>
public sealed class ClientAssertionCheck
{
    private ClientAssertionCheck(Jwk? key, string? algorithm, string? tokenId, DateTimeOffset expiresAt, DcrError? error)
    {
        Key = key;
        Algorithm = algorithm;
        TokenId = tokenId;
        ExpiresAt = expiresAt;
        Error = error;
    }

    /// <summary>The TPP's public key that must verify the assertion, when the checks passed.</summary>
    public Jwk? Key { get; }

    /// <summary>The assertion's <c>alg</c>, when the checks passed.</summary>
    public string? Algorithm { get; }

    /// <summary>The assertion's <c>jti</c>, when the checks passed.</summary>
    public string? TokenId { get; }

    /// <summary>The assertion's <c>exp</c>, when the checks passed.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Why the assertion is refused (error <c>invalid_client</c>), when it is.</summary>
    public DcrError? Error { get; }

    /// <summary>Whether the checks passed.</summary>
    [MemberNotNullWhen(true, nameof(Key), nameof(Algorithm), nameof(TokenId))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    internal static ClientAssertionCheck Success(Jwk key, string algorithm, string tokenId, DateTimeOffset expiresAt)
        => new(key, algorithm, tokenId, expiresAt, null);

    internal static ClientAssertionCheck Failure(string description)
        => new(null, null, null, default, new DcrError(DcrErrors.InvalidClient, description));
}
