// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Authorization;

/// <summary>What an ID token from the bank must say (OIDC Core §3.3.2.12 and §3.1.3.7, FAPI 1 Advanced §5.2.2.1).</summary>
internal sealed record IdTokenExpectations
{
    /// <summary>The bank's issuer, exactly as discovery publishes it.</summary>
    public required string Issuer { get; init; }

    public required string ClientId { get; init; }

    /// <summary>The nonce the request object carried; the ID token must repeat it.</summary>
    public required string Nonce { get; init; }

    /// <summary>The consent the customer authorised: <c>openbanking_intent_id</c> must name it.</summary>
    public required string ConsentId { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>The registered <c>id_token_signed_response_alg</c>; null to accept PS256 and ES256.</summary>
    public string? Algorithm { get; init; }

    /// <summary>The code of the same response: <c>c_hash</c> is then required and checked.</summary>
    public string? Code { get; init; }

    /// <summary>The state of the same response: <c>s_hash</c> is then required and checked (FAPI 1 Advanced).</summary>
    public string? State { get; init; }

    /// <summary>The access token of the same token response: <c>at_hash</c> is checked when present.</summary>
    public string? AccessToken { get; init; }

    /// <summary>The front channel's <c>sub</c>: the token endpoint's ID token must name the same customer.</summary>
    public string? Subject { get; init; }

    /// <summary>How far clocks may disagree.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);
}
