// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;

namespace IdentityServer.Dcr.OpenIddict.Management;

/// <summary>Revokes tokens through OpenIddict's token manager.</summary>
/// <remarks>
/// Deleting a registration already deletes its application's token entries in the same transaction (so its tokens
/// stop validating at once); <see cref="RevokeClientTokensAsync"/> also revokes the entries of a client that still has
/// an application, for hosts that call it on their own.
/// </remarks>
public class OpenIddictClientTokenRevoker : IClientTokenRevoker
{
    /// <summary>Creates the revoker.</summary>
    /// <param name="scopes">Creates the scope OpenIddict's managers live in.</param>
    /// <param name="logger">The logger.</param>
    public OpenIddictClientTokenRevoker(IServiceScopeFactory scopes, ILogger<OpenIddictClientTokenRevoker> logger)
    {
        Scopes = scopes;
        Logger = logger;
    }

    /// <summary>Creates service scopes.</summary>
    protected IServiceScopeFactory Scopes { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Revokes the token entry named by <see cref="RegistrationAccessTokenResult.TokenId"/>; without one (token storage
    /// disabled) nothing can be revoked.
    /// </remarks>
    public virtual async Task<bool> RevokeTokenAsync(RegistrationAccessTokenResult token, string accessToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.TokenId is not { } tokenId)
        {
            return false;
        }

        var scope = Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            return await tokens.FindByIdAsync(tokenId, ct).ConfigureAwait(false) is { } entry
                && await tokens.TryRevokeAsync(entry, ct).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public virtual async Task RevokeClientTokensAsync(string clientId, CancellationToken ct)
    {
        var scope = Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            if (await applications.FindByClientIdAsync(clientId, ct).ConfigureAwait(false) is not { } application
                || await applications.GetIdAsync(application, ct).ConfigureAwait(false) is not { } id)
            {
                return;
            }

            var count = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()
                .RevokeByApplicationIdAsync(id, ct)
                .ConfigureAwait(false);
            Logger.TokensRevoked(clientId, count);
        }
    }
}
