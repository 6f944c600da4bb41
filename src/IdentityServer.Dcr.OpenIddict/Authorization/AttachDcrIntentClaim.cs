// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authorization;

/// <summary>
/// Puts the intent the verified request object named (<c>openbanking_intent_id</c>) into the signed-in principal, for
/// the ID tokens (front channel and token endpoint) and access tokens of the grant, and the <c>acr</c> the engine chose
/// for its <c>claims</c> request into the ID tokens, whatever the bank's consent page put there: the values come from
/// the request object, never from the page or the browser.
/// </summary>
public sealed class AttachDcrIntentClaim : IOpenIddictServerHandler<ProcessSignInContext>
{
    /// <summary>The descriptor: at the authorization endpoint, before the token principals are prepared.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<AttachDcrIntentClaim>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order - 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType != OpenIddictServerEndpointType.Authorization || context.Principal is null || context.Request is null)
        {
            return ValueTask.CompletedTask;
        }

        var intentId = (string?)context.Request.GetParameter(DcrOpenIddictConstants.IntentIdParameter);
        var acr = (string?)context.Request.GetParameter(DcrOpenIddictConstants.AcrParameter);
        if (string.IsNullOrEmpty(intentId) && string.IsNullOrEmpty(acr))
        {
            return ValueTask.CompletedTask;
        }

        if (!string.IsNullOrEmpty(intentId))
        {
            context.Principal.SetClaim(DcrOpenIddictConstants.IntentIdParameter, intentId);
        }

        if (!string.IsNullOrEmpty(acr))
        {
            context.Principal.SetClaim(Claims.AuthenticationContextReference, acr);
        }

        context.Principal.SetDestinations(claim => claim.Type switch
        {
            DcrOpenIddictConstants.IntentIdParameter => [Destinations.IdentityToken, Destinations.AccessToken],
            Claims.AuthenticationContextReference when !string.IsNullOrEmpty(acr) => [Destinations.IdentityToken],
            _ => claim.GetDestinations(),
        });
        return ValueTask.CompletedTask;
    }
}
