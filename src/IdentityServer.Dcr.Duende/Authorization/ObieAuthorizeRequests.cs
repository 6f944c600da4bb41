// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Authorization;

namespace IdentityServer.Dcr.Duende.Authorization;

/// <summary>
/// What the OBIE authorization journey adds to Duende's validated authorize requests: the intent
/// (<c>openbanking_intent_id</c>) the engine read from the verified request object and the <c>acr</c> it chose for the
/// request's <c>claims</c>, kept beside the request (never in its parameters, which travel through the browser).
/// </summary>
public static class ObieAuthorizeRequests
{
    /// <summary>The claim (and authorization code property) carrying the intent: <c>openbanking_intent_id</c>.</summary>
    public const string IntentIdClaimType = "openbanking_intent_id";

    /// <summary>The ID token claim (and authorization code property) carrying the asserted <c>acr</c>.</summary>
    public const string AcrClaimType = "acr";

    private static readonly ConditionalWeakTable<ValidatedAuthorizeRequest, string> Intents = new();
    private static readonly ConditionalWeakTable<ValidatedAuthorizeRequest, string> Acrs = new();

    /// <summary>The intent the verified request object named, when the request is a registered client's and names one.</summary>
    /// <param name="request">A request validated by Duende's authorize request validator.</param>
    /// <returns>The intent id, or <see langword="null"/>.</returns>
    public static string? GetObieIntentId(this ValidatedAuthorizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Intents.TryGetValue(request, out var intentId) ? intentId : null;
    }

    /// <summary>The <c>acr</c> the engine chose for the verified request object's <c>claims</c> request, if it asked for one.</summary>
    /// <param name="request">A request validated by Duende's authorize request validator.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? GetObieAcr(this ValidatedAuthorizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Acrs.TryGetValue(request, out var acr) ? acr : null;
    }

    /// <summary>Whether <paramref name="client"/> was registered through OBIE DCR.</summary>
    /// <param name="client">A Duende client.</param>
    /// <returns><see langword="true"/> for a registered TPP.</returns>
    public static bool IsObieRegistered(this Client? client)
        => client is not null && client.Properties.ContainsKey(ObieClientProperties.TokenEndpointAuthMethod);

    /// <summary>Records what the engine read from the verified request object of <paramref name="request"/>.</summary>
    internal static void SetObieAuthorization(this ValidatedAuthorizeRequest request, AuthorizationRequestResult result)
    {
        if (result.IntentId is { } intentId)
        {
            Intents.AddOrUpdate(request, intentId);
        }

        if (result.Acr is { } acr)
        {
            Acrs.AddOrUpdate(request, acr);
        }
    }
}
