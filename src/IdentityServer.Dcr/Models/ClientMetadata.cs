// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.Models;

/// <summary>
/// The client metadata the bank registered (which may differ from what was requested: see
/// <see cref="Configuration.UnsupportedValueHandling"/>). Property names serialise to the OBIE/RFC 7591 names.
/// </summary>
public sealed class ClientMetadata
{
    /// <summary><c>redirect_uris</c>.</summary>
    [JsonPropertyName("redirect_uris")]
    public IReadOnlyList<string> RedirectUris { get; set; } = [];

    /// <summary><c>token_endpoint_auth_method</c>.</summary>
    [JsonPropertyName("token_endpoint_auth_method")]
    public string TokenEndpointAuthMethod { get; set; } = string.Empty;

    /// <summary><c>token_endpoint_auth_signing_alg</c>, for <c>private_key_jwt</c>.</summary>
    [JsonPropertyName("token_endpoint_auth_signing_alg")]
    public string? TokenEndpointAuthSigningAlg { get; set; }

    /// <summary><c>grant_types</c>.</summary>
    [JsonPropertyName("grant_types")]
    public IReadOnlyList<string> GrantTypes { get; set; } = [];

    /// <summary><c>response_types</c>.</summary>
    [JsonPropertyName("response_types")]
    public IReadOnlyList<string> ResponseTypes { get; set; } = [];

    /// <summary><c>scope</c>: space-separated.</summary>
    [JsonPropertyName("scope")]
    public string Scope { get; set; } = string.Empty;

    /// <summary><c>application_type</c>.</summary>
    [JsonPropertyName("application_type")]
    public string ApplicationType { get; set; } = "web";

    /// <summary><c>id_token_signed_response_alg</c>.</summary>
    [JsonPropertyName("id_token_signed_response_alg")]
    public string? IdTokenSignedResponseAlg { get; set; }

    /// <summary><c>request_object_signing_alg</c>.</summary>
    [JsonPropertyName("request_object_signing_alg")]
    public string? RequestObjectSigningAlg { get; set; }

    /// <summary><c>tls_client_auth_subject_dn</c>, for <c>tls_client_auth</c>, as the TPP sent it.</summary>
    [JsonPropertyName("tls_client_auth_subject_dn")]
    public string? TlsClientAuthSubjectDn { get; set; }

    /// <summary><c>backchannel_token_delivery_mode</c> (CIBA).</summary>
    [JsonPropertyName("backchannel_token_delivery_mode")]
    public string? BackchannelTokenDeliveryMode { get; set; }

    /// <summary><c>backchannel_client_notification_endpoint</c> (CIBA ping).</summary>
    [JsonPropertyName("backchannel_client_notification_endpoint")]
    public string? BackchannelClientNotificationEndpoint { get; set; }

    /// <summary><c>backchannel_authentication_request_signing_alg</c> (CIBA).</summary>
    [JsonPropertyName("backchannel_authentication_request_signing_alg")]
    public string? BackchannelAuthenticationRequestSigningAlg { get; set; }

    /// <summary><c>backchannel_user_code_parameter_supported</c> (CIBA): only ever <see langword="false"/>.</summary>
    [JsonPropertyName("backchannel_user_code_parameter_supported")]
    public bool? BackchannelUserCodeParameterSupported { get; set; }

    /// <summary><c>software_id</c>, from the software statement.</summary>
    [JsonPropertyName("software_id")]
    public string SoftwareId { get; set; } = string.Empty;

    /// <summary><c>jwks_uri</c>: the SSA's <c>software_jwks_endpoint</c>, where the client's keys are fetched.</summary>
    [JsonPropertyName("jwks_uri")]
    public string? JwksUri { get; set; }

    /// <summary>Splits <see cref="Scope"/> into its scopes.</summary>
    /// <returns>The scopes.</returns>
    public IReadOnlyList<string> GetScopes() => Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
