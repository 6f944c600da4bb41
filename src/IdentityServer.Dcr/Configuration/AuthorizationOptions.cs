// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// The authorization journey of registered clients (FAPI 1 Advanced as the OBIE Security Profile applies it): the
/// signed request object at the authorization and pushed authorization endpoints, and the intent it names.
/// </summary>
public sealed class AuthorizationOptions
{
    /// <summary>
    /// The longest a request object may live: <c>exp - nbf</c>, and how old its <c>nbf</c> may be. Default 60 minutes
    /// (FAPI 1 Advanced 5.2.2-13 and -17).
    /// </summary>
    public TimeSpan MaxRequestObjectLifetime { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Tolerated clock difference with the TPP. Default 2 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The largest request object accepted, in characters. Default 32 KiB.</summary>
    public int MaxRequestObjectLength { get; set; } = 32 * 1024;

    /// <summary>
    /// Whether the request object must name an intent (<c>claims.id_token.openbanking_intent_id</c>) of the same
    /// client awaiting authorisation, checked with the registered <c>IIntentStore</c>. Default <see langword="true"/>:
    /// with no <c>IIntentStore</c> registered every authorization request is refused, so a bank cannot forget it.
    /// </summary>
    public bool RequireIntent { get; set; } = true;

    /// <summary>
    /// The <c>acr</c> values the bank's sign-in delivers, strongest first. Default <c>urn:openbanking:psd2:sca</c> then
    /// <c>urn:openbanking:psd2:ca</c> (OBIE Security Profile). When a request object asks for <c>acr</c> in its
    /// <c>claims</c>, the first of these that it accepts is put in the grant's ID tokens; an essential <c>acr</c> none of
    /// these satisfies is refused with <c>access_denied</c> (OIDC Core 5.5.1.1). The bank's sign-in must deliver it.
    /// </summary>
    public IList<string> AcrValues { get; } = ["urn:openbanking:psd2:sca", "urn:openbanking:psd2:ca"];
}
