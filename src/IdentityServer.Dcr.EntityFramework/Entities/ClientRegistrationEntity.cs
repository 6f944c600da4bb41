// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework.Entities;

/// <summary>
/// The row behind a <see cref="Models.ClientRegistration"/> (table <c>DcrClientRegistrations</c>). The columns that
/// are searched or needed without parsing JSON are denormalised; the full registered metadata is in
/// <see cref="MetadataJson"/>.
/// </summary>
public class ClientRegistrationEntity
{
    /// <summary>The client identifier (primary key, at most 64 characters).</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The SSA's <c>software_id</c> (indexed).</summary>
    public string SoftwareId { get; set; } = string.Empty;

    /// <summary>The SSA's <c>org_id</c> (indexed).</summary>
    public string OrganisationId { get; set; } = string.Empty;

    /// <summary>The SSA's <c>iss</c>.</summary>
    public string SoftwareStatementIssuer { get; set; } = string.Empty;

    /// <summary>The registered <c>token_endpoint_auth_method</c> (a copy of the value in <see cref="MetadataJson"/>).</summary>
    public string TokenEndpointAuthMethod { get; set; } = string.Empty;

    /// <summary>The registered <c>tls_client_auth_subject_dn</c>, when there is one.</summary>
    public string? TlsClientAuthSubjectDn { get; set; }

    /// <summary>The registered <c>jwks_uri</c>, when there is one.</summary>
    public string? JwksUri { get; set; }

    /// <summary>The registered <see cref="Models.ClientMetadata"/>, serialised with System.Text.Json.</summary>
    public string MetadataJson { get; set; } = string.Empty;

    /// <summary>The software statement as presented (a compact JWS).</summary>
    public string SoftwareStatement { get; set; } = string.Empty;

    /// <summary>The software statement's verified claims as a JSON object.</summary>
    public string SoftwareStatementClaims { get; set; } = string.Empty;

    /// <summary>A hash of the client secret, when there is one.</summary>
    public string? ClientSecretHash { get; set; }

    /// <summary>When the client secret expires, when it does.</summary>
    public DateTimeOffset? ClientSecretExpiresAt { get; set; }

    /// <summary>When the client identifier was issued.</summary>
    public DateTimeOffset ClientIdIssuedAt { get; set; }

    /// <summary>When the registration was last written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The optimistic concurrency token: every write replaces it and is refused when it changed since the read.</summary>
    public string ConcurrencyStamp { get; set; } = string.Empty;

    /// <summary>The SHA-256 thumbprint of the transport certificate of the registration (or its last update).</summary>
    public string? TransportCertificateThumbprint { get; set; }

    /// <summary>Its subject.</summary>
    public string? TransportCertificateSubject { get; set; }

    /// <summary>When it expires.</summary>
    public DateTimeOffset? TransportCertificateNotAfter { get; set; }

    /// <summary>When an operator disabled the client; <see langword="null"/> while it is enabled.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}
