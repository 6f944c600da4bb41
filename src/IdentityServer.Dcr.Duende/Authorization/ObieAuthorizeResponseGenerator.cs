// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer;
using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.ResponseHandling;
using Duende.IdentityServer.Services;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Authorization;

/// <summary>
/// Duende's <see cref="AuthorizeResponseGenerator"/>, with the intent of the verified request object
/// (<see cref="ObieAuthorizeRequests.GetObieIntentId"/>) kept in the authorization code's properties, so that the ID
/// and access tokens of the token endpoint carry it too (<see cref="ObieClaimsService"/>).
/// </summary>
public class ObieAuthorizeResponseGenerator : AuthorizeResponseGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="options">Duende's options.</param>
    /// <param name="clock">Duende's clock.</param>
    /// <param name="tokenService">Duende's token service.</param>
    /// <param name="keyMaterialService">Duende's key material.</param>
    /// <param name="authorizationCodeStore">Duende's code store.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="events">Duende's events.</param>
    public ObieAuthorizeResponseGenerator(
        IdentityServerOptions options,
        IClock clock,
        ITokenService tokenService,
        IKeyMaterialService keyMaterialService,
        IAuthorizationCodeStore authorizationCodeStore,
        ILogger<AuthorizeResponseGenerator> logger,
        IEventService events)
        : base(options, clock, tokenService, keyMaterialService, authorizationCodeStore, logger, events)
    {
    }

    /// <summary>
    /// Duende's code, with <c>openbanking_intent_id</c> and <c>acr</c> in its properties when the request named an
    /// intent or asked for an <c>acr</c>.
    /// </summary>
    /// <param name="request">The validated request.</param>
    /// <returns>The code.</returns>
    protected override async Task<AuthorizationCode> CreateCodeAsync(ValidatedAuthorizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = await base.CreateCodeAsync(request).ConfigureAwait(false);
        if (request.GetObieIntentId() is { } intentId)
        {
            code.Properties[ObieAuthorizeRequests.IntentIdClaimType] = intentId;
        }

        if (request.GetObieAcr() is { } acr)
        {
            code.Properties[ObieAuthorizeRequests.AcrClaimType] = acr;
        }

        return code;
    }
}
