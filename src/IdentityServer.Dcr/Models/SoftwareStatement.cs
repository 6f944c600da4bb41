// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;

namespace IdentityServer.Dcr.Models;

/// <summary>
/// A software statement assertion (SSA) whose signature, issuer and lifetime have been verified, with the
/// Directory profile's claims read out. <see cref="Claims"/> keeps every claim as sent.
/// </summary>
public sealed class SoftwareStatement
{
    /// <summary>The compact JWS as presented.</summary>
    public required string Jwt { get; init; }

    /// <summary>All claims of the payload, as sent (types preserved).</summary>
    public required JsonElement Claims { get; init; }

    /// <summary><c>iss</c>: the trust anchor.</summary>
    public required string Issuer { get; init; }

    /// <summary><c>iat</c>.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary><c>software_id</c>.</summary>
    public required string SoftwareId { get; init; }

    /// <summary><c>org_id</c>.</summary>
    public required string OrganisationId { get; init; }

    /// <summary><c>org_name</c>, when present.</summary>
    public string? OrganisationName { get; init; }

    /// <summary><c>org_status</c>, when present.</summary>
    public string? OrganisationStatus { get; init; }

    /// <summary><c>software_mode</c>, when present.</summary>
    public string? SoftwareMode { get; init; }

    /// <summary><c>software_environment</c>, when present.</summary>
    public string? SoftwareEnvironment { get; init; }

    /// <summary><c>software_jwks_endpoint</c>, when present.</summary>
    public Uri? SoftwareJwksEndpoint { get; init; }

    /// <summary><c>software_redirect_uris</c>.</summary>
    public IReadOnlyList<string> SoftwareRedirectUris { get; init; } = [];

    /// <summary><c>software_roles</c>.</summary>
    public IReadOnlyList<string> SoftwareRoles { get; init; } = [];

    /// <summary><c>organisation_competent_authority_claims.registration_id</c>, when present.</summary>
    public string? CompetentAuthorityRegistrationId { get; init; }
}
