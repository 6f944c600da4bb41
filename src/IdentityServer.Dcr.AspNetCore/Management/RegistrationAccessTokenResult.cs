// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;

namespace IdentityServer.Dcr.AspNetCore.Management;

/// <summary>The outcome of <see cref="IRegistrationAccessTokenValidator.ValidateAsync"/>.</summary>
public sealed class RegistrationAccessTokenResult
{
    private RegistrationAccessTokenResult(string? clientId, string? tokenId, string? failure)
    {
        ClientId = clientId;
        TokenId = tokenId;
        Failure = failure;
    }

    /// <summary>
    /// The authorization server's identifier of the token (for example OpenIddict's token entry), when it has one: what
    /// <see cref="IClientTokenRevoker.RevokeTokenAsync"/> revokes, without validating the token a second time.
    /// </summary>
    public string? TokenId { get; }

    /// <summary>The client the token was issued to, when valid.</summary>
    public string? ClientId { get; }

    /// <summary>Why the token is not valid (for <c>error_description</c>), when not valid.</summary>
    public string? Failure { get; }

    /// <summary>Whether the token is valid.</summary>
    [MemberNotNullWhen(true, nameof(ClientId))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => ClientId is not null;

    /// <summary>A valid token.</summary>
    /// <param name="clientId">The client it was issued to.</param>
    /// <returns>The result.</returns>
    public static RegistrationAccessTokenResult Success(string clientId) => Success(clientId, null);

    /// <summary>A valid token with the server's identifier of it.</summary>
    /// <param name="clientId">The client it was issued to.</param>
    /// <param name="tokenId">The server's identifier of the token, if it keeps one.</param>
    /// <returns>The result.</returns>
    public static RegistrationAccessTokenResult Success(string clientId, string? tokenId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return new(clientId, string.IsNullOrEmpty(tokenId) ? null : tokenId, null);
    }

    /// <summary>An invalid, expired or revoked token.</summary>
    /// <param name="failure">Why, without the token itself.</param>
    /// <returns>The result.</returns>
    public static RegistrationAccessTokenResult Fail(string failure)
    {
        ArgumentException.ThrowIfNullOrEmpty(failure);
        return new(null, null, failure);
    }
}
