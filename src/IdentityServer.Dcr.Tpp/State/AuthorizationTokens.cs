// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.Tpp.State;

/// <summary>The token endpoint's answer to an <c>authorization_code</c> grant.</summary>
internal sealed class AuthorizationTokens
{
    [JsonPropertyName("consent_id")]
    public string? ConsentId { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("access_token_expires_at")]
    public long? AccessTokenExpiresAt { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("id_token")]
    public string? IdToken { get; set; }

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    /// <summary>The ID token's <c>sub</c>: the customer, as the bank names them to this client.</summary>
    [JsonPropertyName("subject")]
    public string? Subject { get; set; }
}
