// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;

namespace IdentityServer.Dcr.AspNetCore.Management;

/// <summary>The outcome of <see cref="IRegistrationAccessTokenValidator.ValidateAsync"/>.</summary>
public sealed class RegistrationAccessTokenResult
{
    private RegistrationAccessTokenResult(string? clientId, string? tokenId, IReadOnlyCollection<string> scopes, string? failure)
    {
        ClientId = clientId;
        TokenId = tokenId;
        Scopes = scopes;
        Failure = failure;
    }

    /// <summary>
    /// The authorization server's identifier of the token (for example OpenIddict's token entry), when it has one: what
    /// <see cref="IClientTokenRevoker.RevokeTokenAsync"/> revokes, without validating the token a second time.
    /// </summary>
    public string? TokenId { get; }

    /// <summary>
    /// The scopes the token grants, when the validator knows them (both plug-ins fill them in); empty when unknown or
    /// when the token is not valid. Resource endpoints of the bank (such as the sandbox account-access consents, which
    /// require <c>accounts</c>) check them; management needs none.
    /// </summary>
    public IReadOnlyCollection<string> Scopes { get; }

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
    public static RegistrationAccessTokenResult Success(string clientId, string? tokenId) => Success(clientId, tokenId, null);

    /// <summary>A valid token with the server's identifier of it and the scopes it grants.</summary>
    /// <param name="clientId">The client it was issued to.</param>
    /// <param name="tokenId">The server's identifier of the token, if it keeps one.</param>
    /// <param name="scopes">
    /// The scopes the token grants (empty or whitespace values are dropped, duplicates kept once), or
    /// <see langword="null"/> when unknown.
    /// </param>
    /// <returns>The result.</returns>
    public static RegistrationAccessTokenResult Success(string clientId, string? tokenId, IEnumerable<string>? scopes)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        IReadOnlyCollection<string> granted = scopes is null
            ? []
            : [.. scopes.Where(scope => !string.IsNullOrWhiteSpace(scope)).Distinct(StringComparer.Ordinal)];
        return new(clientId, string.IsNullOrEmpty(tokenId) ? null : tokenId, granted, null);
    }

    /// <summary>An invalid, expired or revoked token.</summary>
    /// <param name="failure">Why, without the token itself.</param>
    /// <returns>The result.</returns>
    public static RegistrationAccessTokenResult Fail(string failure)
    {
        ArgumentException.ThrowIfNullOrEmpty(failure);
        return new(null, null, [], failure);
    }
}
