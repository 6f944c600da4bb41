// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

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
    /// <param name="validation">OpenIddict's validation service, to read the token's entry identifier.</param>
    /// <param name="logger">The logger.</param>
    public OpenIddictClientTokenRevoker(IServiceScopeFactory scopes, OpenIddictValidationService validation, ILogger<OpenIddictClientTokenRevoker> logger)
    {
        Scopes = scopes;
        Validation = validation;
        Logger = logger;
    }

    /// <summary>Creates service scopes.</summary>
    protected IServiceScopeFactory Scopes { get; }

    /// <summary>OpenIddict's validation service.</summary>
    protected OpenIddictValidationService Validation { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task RevokeTokenAsync(string accessToken, CancellationToken ct)
    {
        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            principal = await Validation.ValidateAccessTokenAsync(accessToken, ct).ConfigureAwait(false);
        }
        catch (OpenIddictExceptions.ProtocolException)
        {
            return; // Not valid any more: nothing to revoke.
        }

        if (principal.GetClaim(Claims.Private.TokenId) is not { Length: > 0 } tokenId)
        {
            return;
        }

        var scope = Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            if (await tokens.FindByIdAsync(tokenId, ct).ConfigureAwait(false) is { } token)
            {
                await tokens.TryRevokeAsync(token, ct).ConfigureAwait(false);
            }
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

            var count = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeByApplicationIdAsync(id, ct).ConfigureAwait(false);
            Logger.TokensRevoked(clientId, count);
        }
    }
}
