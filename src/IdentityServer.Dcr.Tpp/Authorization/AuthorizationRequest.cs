// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Authorization;

/// <summary>The parameters of an OBIE authorization request, all of which go inside the signed request object.</summary>
internal sealed record AuthorizationRequest
{
    public required string ClientId { get; init; }

    /// <summary>The request object's <c>aud</c>: the bank's issuer, as discovery publishes it.</summary>
    public required string Audience { get; init; }

    /// <summary><c>code id_token</c> (the OBIE hybrid flow) or <c>code</c>.</summary>
    public required string ResponseType { get; init; }

    public required string RedirectUri { get; init; }

    public required string Scope { get; init; }

    public required string State { get; init; }

    public required string Nonce { get; init; }

    /// <summary>The account-access consent's <c>ConsentId</c>, asked for as the essential claim <c>openbanking_intent_id</c>.</summary>
    public required string ConsentId { get; init; }

    /// <summary>The PKCE <c>S256</c> challenge, or null for none.</summary>
    public string? CodeChallenge { get; init; }
}
