// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.Tpp.State;

/// <summary>
/// What the tool remembers between commands, in <c>state.json</c> (mode 0600) in the state directory. Private keys
/// live in their own PEM files beside it; paths are relative to the directory unless absolute.
/// </summary>
internal sealed class TppState
{
    [JsonPropertyName("software_id")]
    public string SoftwareId { get; set; } = "";

    [JsonPropertyName("org_id")]
    public string OrganisationId { get; set; } = "";

    [JsonPropertyName("signing_alg")]
    public string SigningAlgorithm { get; set; } = "";

    [JsonPropertyName("signing_kid")]
    public string SigningKeyId { get; set; } = "";

    [JsonPropertyName("signing_key_file")]
    public string SigningKeyFile { get; set; } = StateStore.SigningKeyFileName;

    [JsonPropertyName("bank")]
    public string? Bank { get; set; }

    [JsonPropertyName("software_statement")]
    public string? SoftwareStatement { get; set; }

    [JsonPropertyName("transport_certificate_file")]
    public string? TransportCertificateFile { get; set; }

    [JsonPropertyName("transport_key_file")]
    public string? TransportKeyFile { get; set; }

    [JsonPropertyName("transport_subject_dn")]
    public string? TransportSubjectDn { get; set; }

    [JsonPropertyName("issuer")]
    public string? Issuer { get; set; }

    [JsonPropertyName("audience")]
    public string? Audience { get; set; }

    [JsonPropertyName("registration_endpoint")]
    public string? RegistrationEndpoint { get; set; }

    [JsonPropertyName("token_endpoint")]
    public string? TokenEndpoint { get; set; }

    [JsonPropertyName("client_id")]
    public string? ClientId { get; set; }

    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; set; }

    [JsonPropertyName("token_endpoint_auth_method")]
    public string? TokenEndpointAuthMethod { get; set; }

    /// <summary>The bank's last answer about the client (POST, GET or PUT), as it came.</summary>
    [JsonPropertyName("registration")]
    public JsonObject? Registration { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("access_token_expires_at")]
    public long? AccessTokenExpiresAt { get; set; }

    /// <summary>The last account-access consent (intent) that <c>consent</c> created: its <c>ConsentId</c>.</summary>
    [JsonPropertyName("consent_id")]
    public string? ConsentId { get; set; }

    [JsonPropertyName("consent_status")]
    public string? ConsentStatus { get; set; }

    /// <summary>What <c>authorize</c> sent and <c>exchange</c> checks the answer against; cleared once the bank answered it.</summary>
    [JsonPropertyName("pending_authorization")]
    public PendingAuthorization? PendingAuthorization { get; set; }

    /// <summary>The tokens of the last authorization code that <c>exchange</c> redeemed (the customer's consent).</summary>
    [JsonPropertyName("authorization_tokens")]
    public AuthorizationTokens? AuthorizationTokens { get; set; }
}
