// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Issues the access token of a registered client's <c>client_credentials</c> request: subject and <c>client_id</c>
/// are the client, the scopes are those requested or, when <c>scope</c> is absent or empty, all registered ones
/// except <c>openid</c>. OpenIddict has already checked that each requested scope is permitted to the application.
/// </summary>
public sealed class HandleDcrClientCredentialsGrant : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    /// <summary>The descriptor.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseSingletonHandler<HandleDcrClientCredentialsGrant>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.IsClientCredentialsGrantType() || DcrClientAuthenticationState.Get(context.Transaction) is not { } state)
        {
            return ValueTask.CompletedTask;
        }

        var client = state.Client;
        var requested = context.Request.GetScopes();
        var scopes = requested.IsDefaultOrEmpty
            ? client.Scopes.Where(scope => scope != Scopes.OpenId)
            : requested;

        var identity = new ClaimsIdentity(authenticationType: "IdentityServer.Dcr", Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId);
        identity.SetClaim(Claims.ClientId, client.ClientId);
        identity.SetScopes(scopes);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
        return ValueTask.CompletedTask;
    }
}
