// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>Verification of the software statement assertion (SSA) and the bank's approval policy.</summary>
public sealed class SoftwareStatementOptions
{
    /// <summary>The trust anchors whose SSAs are accepted, matched by <c>iss</c>. At least one is required.</summary>
    public IList<TrustAnchorOptions> TrustAnchors { get; } = [];

    /// <summary>
    /// The JWS algorithms accepted for SSAs. Default <c>PS256</c> and <c>ES256</c>, the values the Directory
    /// specification allows. <c>none</c>, HMAC and RSA PKCS#1 v1.5 algorithms are refused at start-up.
    /// </summary>
    public IList<string> AllowedAlgorithms { get; } = [];

    /// <summary>
    /// How long after its <c>iat</c> an SSA is accepted. Default 30 minutes. The Directory leaves it to each bank;
    /// lengthen it when TPPs register manually some time after obtaining the SSA.
    /// Set to <see cref="TimeSpan.Zero"/> to accept SSAs of any age (only <c>exp</c>, when present, is then enforced).
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Tolerated clock difference for <c>iat</c> and <c>exp</c>. Default 2 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether <c>org_status</c> must be <c>Active</c> (compared case-insensitively). Default <see langword="true"/>.
    /// Revoked or withdrawn organisations get <c>unapproved_software_statement</c>.
    /// </summary>
    public bool RequireActiveOrganisation { get; set; } = true;

    /// <summary>
    /// The accepted <c>software_mode</c> values (case-insensitive), for example <c>Live</c> in production and
    /// <c>Test</c> in a sandbox. Default empty: any mode. An SSA without the claim is treated as <c>Live</c>.
    /// </summary>
    public IList<string> AllowedSoftwareModes { get; } = [];

    /// <summary>
    /// The accepted <c>software_environment</c> values (case-insensitive), for example <c>production</c> or
    /// <c>sandbox</c>. Default empty: any environment.
    /// </summary>
    public IList<string> AllowedSoftwareEnvironments { get; } = [];

    /// <summary>When not empty, only these <c>org_id</c> values may register. Default empty.</summary>
    public IList<string> AllowedOrganisationIds { get; } = [];

    /// <summary>These <c>org_id</c> values may never register. Default empty.</summary>
    public IList<string> DeniedOrganisationIds { get; } = [];

    /// <summary>When not empty, only these <c>software_id</c> values may register. Default empty.</summary>
    public IList<string> AllowedSoftwareIds { get; } = [];

    /// <summary>These <c>software_id</c> values may never register. Default empty.</summary>
    public IList<string> DeniedSoftwareIds { get; } = [];

    /// <summary>
    /// When not empty, the SSA's <c>software_roles</c> must include at least one of these roles
    /// (for example <c>AISP</c>, <c>PISP</c>, <c>CBPII</c>). Default empty.
    /// </summary>
    public IList<string> RequiredRoles { get; } = [];

    /// <summary>
    /// Whether <c>software_jwks_endpoint</c> is required. Default <see langword="true"/>: the request JWS can only be
    /// verified with the TPP's keys from that endpoint.
    /// </summary>
    public bool RequireSoftwareJwksEndpoint { get; set; } = true;

    /// <summary>The largest SSA accepted, in characters. Default 16384.</summary>
    public int MaxLength { get; set; } = 16 * 1024;
}
