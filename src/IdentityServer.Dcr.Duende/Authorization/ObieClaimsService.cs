// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using Duende.IdentityServer.Services;
using Duende.IdentityServer.Validation;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Authorization;

/// <summary>
/// Duende's <see cref="DefaultClaimsService"/>, with <c>openbanking_intent_id</c> in the ID and access tokens of an
/// authorization that named an intent: at the authorize endpoint (the detached ID token of <c>code id_token</c>) from
/// the verified request object, at the token endpoint from the authorization code. The value never comes from the
/// consent page or the browser.
/// </summary>
public class ObieClaimsService : DefaultClaimsService
{
    /// <summary>Creates the service.</summary>
    /// <param name="profile">Duende's profile service.</param>
    /// <param name="logger">The logger.</param>
    public ObieClaimsService(IProfileService profile, ILogger<DefaultClaimsService> logger)
        : base(profile, logger)
    {
    }

    /// <inheritdoc />
    public override async Task<IEnumerable<Claim>> GetIdentityTokenClaimsAsync(ClaimsPrincipal subject, ResourceValidationResult resources, bool includeAllIdentityClaims, ValidatedRequest request)
        => WithIntent(await base.GetIdentityTokenClaimsAsync(subject, resources, includeAllIdentityClaims, request).ConfigureAwait(false), request);

    /// <inheritdoc />
    public override async Task<IEnumerable<Claim>> GetAccessTokenClaimsAsync(ClaimsPrincipal subject, ResourceValidationResult resourceResult, ValidatedRequest request)
        => WithIntent(await base.GetAccessTokenClaimsAsync(subject, resourceResult, request).ConfigureAwait(false), request);

    /// <summary>The intent of the authorization behind <paramref name="request"/>, if any.</summary>
    /// <param name="request">The authorize or token request.</param>
    /// <returns>The intent id, or <see langword="null"/>.</returns>
    protected static string? IntentOf(ValidatedRequest request) => request switch
    {
        ValidatedAuthorizeRequest authorize => authorize.GetObieIntentId(),
        ValidatedTokenRequest { AuthorizationCode: { } code } when code.Properties.TryGetValue(ObieAuthorizeRequests.IntentIdClaimType, out var intentId) => intentId,
        _ => null,
    };

    private static IEnumerable<Claim> WithIntent(IEnumerable<Claim> claims, ValidatedRequest request)
    {
        if (request is null || IntentOf(request) is not { } intentId)
        {
            return claims;
        }

        var list = claims.Where(c => c.Type != ObieAuthorizeRequests.IntentIdClaimType).ToList();
        list.Add(new Claim(ObieAuthorizeRequests.IntentIdClaimType, intentId));
        return list;
    }
}
