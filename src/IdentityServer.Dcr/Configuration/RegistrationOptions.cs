// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// What the bank supports and registers. The same values are published in the discovery document, so TPPs can
/// see them before they register.
/// </summary>
public sealed class RegistrationOptions
{
    /// <summary>
    /// Supported <c>token_endpoint_auth_method</c> values. Default <c>private_key_jwt</c> and <c>tls_client_auth</c>
    /// (the FAPI ones). <c>client_secret_basic</c> and <c>client_secret_post</c> may be added; the bank then
    /// issues a client secret.
    /// </summary>
    public IList<string> TokenEndpointAuthMethods { get; } = [];

    /// <summary>Supported <c>token_endpoint_auth_signing_alg</c> values. Default <c>PS256</c> and <c>ES256</c>.</summary>
    public IList<string> TokenEndpointAuthSigningAlgorithms { get; } = [];

    /// <summary>
    /// Supported <c>grant_types</c>. Default <c>authorization_code</c>, <c>client_credentials</c>, <c>refresh_token</c>.
    /// Add <c>urn:openid:params:grant-type:ciba</c> (3.3+) where the bank supports CIBA.
    /// </summary>
    public IList<string> GrantTypes { get; } = [];

    /// <summary>Supported <c>response_types</c>. Default <c>code</c> and <c>code id_token</c>.</summary>
    public IList<string> ResponseTypes { get; } = [];

    /// <summary>The <c>response_types</c> registered when the request has none. Default <c>code id_token</c>, as the specification says.</summary>
    public IList<string> DefaultResponseTypes { get; } = [];

    /// <summary>Supported <c>id_token_signed_response_alg</c> values. Default <c>PS256</c> and <c>ES256</c>.</summary>
    public IList<string> IdTokenSigningAlgorithms { get; } = [];

    /// <summary>Supported <c>request_object_signing_alg</c> values. Default <c>PS256</c> and <c>ES256</c>.</summary>
    public IList<string> RequestObjectSigningAlgorithms { get; } = [];

    /// <summary>
    /// Supported <c>backchannel_authentication_request_signing_alg</c> values (CIBA). Default <c>PS256</c> and <c>ES256</c>.
    /// </summary>
    public IList<string> BackchannelAuthenticationRequestSigningAlgorithms { get; } = [];

    /// <summary>
    /// Supported <c>backchannel_token_delivery_mode</c> values (CIBA). Default <c>poll</c> and <c>ping</c> (FAPI-CIBA
    /// forbids <c>push</c>).
    /// </summary>
    public IList<string> BackchannelTokenDeliveryModes { get; } = [];

    /// <summary>
    /// The scopes each software role permits. Default: <c>AISP</c> → <c>accounts</c>, <c>PISP</c> → <c>payments</c>,
    /// <c>CBPII</c> → <c>fundsconfirmations</c>. Requested scopes must be permitted by one of the SSA's
    /// <c>software_roles</c> or listed in <see cref="ScopesForAllRoles"/>.
    /// </summary>
    public IDictionary<string, IList<string>> RoleScopes { get; } = new Dictionary<string, IList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Scopes any registered client may have. Default <c>openid</c>.</summary>
    public IList<string> ScopesForAllRoles { get; } = [];

    /// <summary>
    /// How unsupported values are handled when <see cref="FieldHandling"/> names no handling for the field.
    /// Default <see cref="UnsupportedValueHandling.Reject"/>.
    /// </summary>
    public UnsupportedValueHandling UnsupportedValues { get; set; } = UnsupportedValueHandling.Reject;

    /// <summary>Per-field overrides of <see cref="UnsupportedValues"/>. Default empty.</summary>
    public IDictionary<MetadataField, UnsupportedValueHandling> FieldHandling { get; } = new Dictionary<MetadataField, UnsupportedValueHandling>();

    /// <summary>What a repeated registration of one <c>software_id</c> does. Default <see cref="DuplicateRegistrationPolicy.Allow"/>.</summary>
    public DuplicateRegistrationPolicy DuplicateRegistrations { get; set; } = DuplicateRegistrationPolicy.Allow;

    /// <summary>
    /// Whether a registered <c>tls_client_auth_subject_dn</c> must name the transport certificate presented with
    /// the registration request (compared as normalised distinguished names). Default <see langword="true"/>.
    /// </summary>
    public bool RequireSubjectDnOfPresentedCertificate { get; set; } = true;

    /// <summary>The lifetime of issued client secrets (secret-based methods only). Default <see langword="null"/>: they do not expire.</summary>
    public TimeSpan? ClientSecretLifetime { get; set; }

    /// <summary>
    /// Whether access tokens are bound to the client's transport certificate (RFC 8705 <c>cnf</c> with
    /// <c>x5t#S256</c>), as published in discovery (<c>tls_client_certificate_bound_access_tokens</c>). Default
    /// <see langword="false"/>. Enforced by the authorization server plug-in.
    /// </summary>
    public bool CertificateBoundAccessTokens { get; set; }

    /// <summary>
    /// How far in the future a registered client's <c>private_key_jwt</c> assertion may expire (its <c>exp</c>, from now,
    /// beyond <see cref="RequestObjectOptions.ClockSkew"/>) at the token endpoint. Default 60 minutes. A used
    /// assertion's <c>jti</c> is remembered until it expires, so a longer-lived assertion would hold its record for as
    /// long, and could be replayed once the record is purged. Enforced by the authorization server plug-in.
    /// </summary>
    public TimeSpan MaxClientAssertionLifetime { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// Whether the client's <c>redirect_uris</c> may name <c>localhost</c> or loopback addresses. Default
    /// <see langword="false"/> (the specification forbids it).
    /// </summary>
    public bool AllowLoopbackRedirectUris { get; set; }

    /// <summary>Returns how unsupported values of <paramref name="field"/> are handled.</summary>
    /// <param name="field">The metadata field.</param>
    /// <returns>The handling.</returns>
    public UnsupportedValueHandling HandlingFor(MetadataField field)
        => FieldHandling.TryGetValue(field, out var handling) ? handling : UnsupportedValues;
}
