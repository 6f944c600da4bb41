// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.Tpp.State;

/// <summary>An authorization request sent to the customer's browser and not yet answered.</summary>
internal sealed class PendingAuthorization
{
    [JsonPropertyName("state")]
    public string State { get; set; } = "";

    [JsonPropertyName("nonce")]
    public string Nonce { get; set; } = "";

    /// <summary>The PKCE verifier, when the request carried a <c>code_challenge</c>.</summary>
    [JsonPropertyName("code_verifier")]
    public string? CodeVerifier { get; set; }

    [JsonPropertyName("response_type")]
    public string ResponseType { get; set; } = "";

    [JsonPropertyName("redirect_uri")]
    public string RedirectUri { get; set; } = "";

    [JsonPropertyName("consent_id")]
    public string ConsentId { get; set; } = "";

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("created_at")]
    public long CreatedAt { get; set; }
}
