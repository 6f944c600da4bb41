// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Stores;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Duende.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace IdentityServer.Dcr.Duende.Management;

/// <summary>
/// Revokes tokens on Duende. A deleted client's grants (refresh tokens, reference access tokens, codes, consents) are
/// removed from the persisted grant store; its JWT access tokens then fail Duende's <c>ITokenValidator</c> because the
/// client no longer exists. A single presented token is revoked by removing it (reference token) or by recording it in
/// a revocation list in the persisted grant store until it expires (JWT), which
/// <see cref="DuendeRegistrationAccessTokenValidator"/> honours.
/// </summary>
/// <remarks>
/// Resource servers that validate JWTs locally do not see the revocation list; they see the deletion only through
/// introspection or when the token expires. Use reference tokens for TPPs where that matters.
/// </remarks>
public class DuendeClientTokenRevoker : IClientTokenRevoker
{
    /// <summary>The persisted grant type of a revoked JWT access token's entry.</summary>
    public const string RevokedAccessTokenGrantType = "obie_revoked_access_token";

    /// <summary>Creates the revoker.</summary>
    /// <param name="grants">Duende's persisted grant store.</param>
    /// <param name="referenceTokens">Duende's reference token store.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public DuendeClientTokenRevoker(
        IPersistedGrantStore grants,
        IReferenceTokenStore referenceTokens,
        TimeProvider timeProvider,
        ILogger<DuendeClientTokenRevoker> logger)
    {
        Grants = grants;
        ReferenceTokens = referenceTokens;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>Duende's persisted grant store.</summary>
    protected IPersistedGrantStore Grants { get; }

    /// <summary>Duende's reference token store.</summary>
    protected IReferenceTokenStore ReferenceTokens { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<bool> RevokeTokenAsync(RegistrationAccessTokenResult token, string accessToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(accessToken))
        {
            await ReferenceTokens.RemoveReferenceTokenAsync(accessToken).ConfigureAwait(false);
            Logger.AccessTokenRevoked(token.ClientId, "reference");
            return true;
        }

        var jwt = handler.ReadJsonWebToken(accessToken);
        var clientId = jwt.TryGetPayloadValue<string>(JwtClaimTypes.ClientId, out var id) ? id : string.Empty;
        var now = TimeProvider.GetUtcNow().UtcDateTime;
        await Grants.StoreAsync(new PersistedGrant
        {
            Key = RevocationKey(accessToken),
            Type = RevokedAccessTokenGrantType,
            ClientId = clientId,
            SubjectId = string.Empty,
            CreationTime = now,
            Expiration = jwt.ValidTo > now ? jwt.ValidTo : now.AddMinutes(5),
            Data = "{}",
        }).ConfigureAwait(false);
        Logger.AccessTokenRevoked(clientId, "jwt");
        return true;
    }

    /// <inheritdoc />
    public virtual async Task RevokeClientTokensAsync(string clientId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        await Grants.RemoveAllAsync(new PersistedGrantFilter { ClientId = clientId }).ConfigureAwait(false);
        Logger.ClientGrantsRevoked(clientId);
    }

    /// <summary>The revocation list key of an access token: a hash, so the list never holds usable tokens.</summary>
    /// <param name="accessToken">The token.</param>
    /// <returns>The key.</returns>
    public static string RevocationKey(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return "obie-revoked:" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(accessToken)));
    }
}
