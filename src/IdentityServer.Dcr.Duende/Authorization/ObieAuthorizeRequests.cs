// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Validation;

namespace IdentityServer.Dcr.Duende.Authorization;

/// <summary>
/// What the OBIE authorization journey adds to Duende's validated authorize requests: the intent
/// (<c>openbanking_intent_id</c>) the engine read from the verified request object, kept beside the request (never in
/// its parameters, which travel through the browser).
/// </summary>
public static class ObieAuthorizeRequests
{
    /// <summary>The claim (and authorization code property) carrying the intent: <c>openbanking_intent_id</c>.</summary>
    public const string IntentIdClaimType = "openbanking_intent_id";

    private static readonly ConditionalWeakTable<ValidatedAuthorizeRequest, string> Intents = new();

    /// <summary>The intent the verified request object named, when the request is a registered client's and names one.</summary>
    /// <param name="request">A request validated by Duende's authorize request validator.</param>
    /// <returns>The intent id, or <see langword="null"/>.</returns>
    public static string? GetObieIntentId(this ValidatedAuthorizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Intents.TryGetValue(request, out var intentId) ? intentId : null;
    }

    /// <summary>Whether <paramref name="client"/> was registered through OBIE DCR.</summary>
    /// <param name="client">A Duende client.</param>
    /// <returns><see langword="true"/> for a registered TPP.</returns>
    public static bool IsObieRegistered(this Client? client)
        => client is not null && client.Properties.ContainsKey(ObieClientProperties.TokenEndpointAuthMethod);

    /// <summary>Records the verified intent of <paramref name="request"/>.</summary>
    internal static void SetObieIntentId(this ValidatedAuthorizeRequest request, string? intentId)
    {
        if (intentId is not null)
        {
            Intents.AddOrUpdate(request, intentId);
        }
    }
}
