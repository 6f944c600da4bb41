// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>
/// The body of a successful registration (<c>201</c>), read (<c>200</c>) or update (<c>200</c>): OBIE's
/// <c>OBClientRegistration1</c> as the default <see cref="ResponseGeneration.RegistrationResponseGenerator"/> writes it.
/// The endpoints declare it as their response type so that an OpenAPI generator can describe the answer; they write the
/// generator's JSON, not this type.
/// </summary>
/// <remarks>
/// A member is <see langword="required"/> when the engine's default stages always write it; the others are left out
/// when they have no value (never written as <c>null</c>). The software statement's claims (<c>org_id</c>,
/// <c>software_client_name</c>, <c>software_roles</c>, ...) are flattened into the body as the directory sent them,
/// except its JWT envelope (<c>iss</c>, <c>iat</c>, <c>exp</c>, <c>nbf</c>, <c>jti</c>, <c>aud</c>, <c>sub</c>); they are
/// <see cref="SoftwareStatementClaims"/>. Numbers are written as JSON numbers (<see cref="JsonNumberHandling.Strict"/>).
/// </remarks>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed class DcrRegistrationResponse
{
    /// <summary><c>client_id</c>: the client identifier the bank issued.</summary>
    [JsonPropertyName("client_id")]
    public required string ClientId { get; init; }

    /// <summary><c>client_id_issued_at</c>: when the client identifier was issued, in seconds since the Unix epoch.</summary>
    [JsonPropertyName("client_id_issued_at")]
    public required long ClientIdIssuedAt { get; init; }

    /// <summary><c>client_secret</c>: only in the answer that issued it, for the secret-based token endpoint authentication methods.</summary>
    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; init; }

    /// <summary><c>client_secret_expires_at</c>: with <c>client_secret</c>; seconds since the Unix epoch, 0 when it does not expire.</summary>
    [JsonPropertyName("client_secret_expires_at")]
    public long? ClientSecretExpiresAt { get; init; }

    /// <summary><c>redirect_uris</c>.</summary>
    [JsonPropertyName("redirect_uris")]
    public required IReadOnlyList<string> RedirectUris { get; init; }

    /// <summary><c>token_endpoint_auth_method</c>.</summary>
    [JsonPropertyName("token_endpoint_auth_method")]
    public required string TokenEndpointAuthMethod { get; init; }

    /// <summary><c>token_endpoint_auth_signing_alg</c>, for <c>private_key_jwt</c>.</summary>
    [JsonPropertyName("token_endpoint_auth_signing_alg")]
    public string? TokenEndpointAuthSigningAlg { get; init; }

    /// <summary><c>grant_types</c>.</summary>
    [JsonPropertyName("grant_types")]
    public required IReadOnlyList<string> GrantTypes { get; init; }

    /// <summary><c>response_types</c>: empty without the <c>authorization_code</c> grant.</summary>
    [JsonPropertyName("response_types")]
    public required IReadOnlyList<string> ResponseTypes { get; init; }

    /// <summary><c>scope</c>: space-separated.</summary>
    [JsonPropertyName("scope")]
    public required string Scope { get; init; }

    /// <summary><c>application_type</c>.</summary>
    [JsonPropertyName("application_type")]
    public required string ApplicationType { get; init; }

    /// <summary><c>id_token_signed_response_alg</c>.</summary>
    [JsonPropertyName("id_token_signed_response_alg")]
    public required string IdTokenSignedResponseAlg { get; init; }

    /// <summary><c>request_object_signing_alg</c>.</summary>
    [JsonPropertyName("request_object_signing_alg")]
    public required string RequestObjectSigningAlg { get; init; }

    /// <summary><c>tls_client_auth_subject_dn</c>, for <c>tls_client_auth</c>.</summary>
    [JsonPropertyName("tls_client_auth_subject_dn")]
    public string? TlsClientAuthSubjectDn { get; init; }

    /// <summary><c>backchannel_token_delivery_mode</c> (CIBA, 3.3 and later).</summary>
    [JsonPropertyName("backchannel_token_delivery_mode")]
    public string? BackchannelTokenDeliveryMode { get; init; }

    /// <summary><c>backchannel_client_notification_endpoint</c> (CIBA ping).</summary>
    [JsonPropertyName("backchannel_client_notification_endpoint")]
    public string? BackchannelClientNotificationEndpoint { get; init; }

    /// <summary><c>backchannel_authentication_request_signing_alg</c> (CIBA).</summary>
    [JsonPropertyName("backchannel_authentication_request_signing_alg")]
    public string? BackchannelAuthenticationRequestSigningAlg { get; init; }

    /// <summary><c>backchannel_user_code_parameter_supported</c> (CIBA): only ever <see langword="false"/>.</summary>
    [JsonPropertyName("backchannel_user_code_parameter_supported")]
    public bool? BackchannelUserCodeParameterSupported { get; init; }

    /// <summary><c>software_id</c>, from the software statement.</summary>
    [JsonPropertyName("software_id")]
    public required string SoftwareId { get; init; }

    /// <summary><c>jwks_uri</c>: the software statement's <c>software_jwks_endpoint</c>, where the client's keys are fetched.</summary>
    [JsonPropertyName("jwks_uri")]
    public string? JwksUri { get; init; }

    /// <summary><c>software_statement</c>: the software statement assertion the client was registered with.</summary>
    [JsonPropertyName("software_statement")]
    public required string SoftwareStatement { get; init; }

    /// <summary>The software statement's own claims, flattened into the body (members not named above).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? SoftwareStatementClaims { get; init; }
}
