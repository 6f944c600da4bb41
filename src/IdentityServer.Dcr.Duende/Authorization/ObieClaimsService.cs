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
/// consent page or the browser. The ID tokens also carry the <c>acr</c> the engine chose when the request object asked
/// for one (<see cref="ObieAuthorizeRequests.GetObieAcr"/>).
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
    public override async Task<IEnumerable<Claim>> GetIdentityTokenClaimsAsync(
        ClaimsPrincipal subject,
        ResourceValidationResult resources,
        bool includeAllIdentityClaims,
        ValidatedRequest request)
        => WithAcr(
            WithIntent(await base.GetIdentityTokenClaimsAsync(subject, resources, includeAllIdentityClaims, request).ConfigureAwait(false), request),
            request);

    /// <inheritdoc />
    public override async Task<IEnumerable<Claim>> GetAccessTokenClaimsAsync(
        ClaimsPrincipal subject,
        ResourceValidationResult resourceResult,
        ValidatedRequest request)
        => WithIntent(await base.GetAccessTokenClaimsAsync(subject, resourceResult, request).ConfigureAwait(false), request);

    /// <summary>The intent of the authorization behind <paramref name="request"/>, if any.</summary>
    /// <param name="request">The authorize or token request.</param>
    /// <returns>The intent id, or <see langword="null"/>.</returns>
    protected static string? IntentOf(ValidatedRequest request) => request switch
    {
        ValidatedAuthorizeRequest authorize => authorize.GetObieIntentId(),
        ValidatedTokenRequest
        {
            AuthorizationCode: { } code
        } when code.Properties.TryGetValue(ObieAuthorizeRequests.IntentIdClaimType, out var intentId) => intentId,
        _ => null,
    };

    /// <summary>The <c>acr</c> the engine chose for the authorization behind <paramref name="request"/>, if it asked for one.</summary>
    /// <param name="request">The authorize or token request.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    protected static string? AcrOf(ValidatedRequest request) => request switch
    {
        ValidatedAuthorizeRequest authorize => authorize.GetObieAcr(),
        ValidatedTokenRequest { AuthorizationCode: { } code } when code.Properties.TryGetValue(ObieAuthorizeRequests.AcrClaimType, out var acr)
            => acr,
        _ => null,
    };

    private static IEnumerable<Claim> WithAcr(IEnumerable<Claim> claims, ValidatedRequest request)
        => WithClaim(claims, ObieAuthorizeRequests.AcrClaimType, request is null ? null : AcrOf(request));

    private static IEnumerable<Claim> WithIntent(IEnumerable<Claim> claims, ValidatedRequest request)
        => WithClaim(claims, ObieAuthorizeRequests.IntentIdClaimType, request is null ? null : IntentOf(request));

    /// <summary>The claims with <paramref name="type"/> replaced by <paramref name="value"/>, when there is one.</summary>
    private static IEnumerable<Claim> WithClaim(IEnumerable<Claim> claims, string type, string? value)
    {
        if (value is null)
        {
            return claims;
        }

        var list = claims.Where(c => c.Type != type).ToList();
        list.Add(new Claim(type, value));
        return list;
    }
}
