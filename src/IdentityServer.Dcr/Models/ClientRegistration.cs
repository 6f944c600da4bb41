// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Models;

/// <summary>A registered client as the store keeps it: the registered metadata and the software statement it came from.</summary>
public sealed class ClientRegistration
{
    /// <summary>The client identifier the bank issued.</summary>
    public required string ClientId { get; init; }

    /// <summary>When the client identifier was issued.</summary>
    public required DateTimeOffset ClientIdIssuedAt { get; init; }

    /// <summary>The SSA's <c>software_id</c>.</summary>
    public required string SoftwareId { get; init; }

    /// <summary>The SSA's <c>org_id</c>.</summary>
    public required string OrganisationId { get; init; }

    /// <summary>The SSA's <c>iss</c>: the trust anchor that issued it.</summary>
    public required string SoftwareStatementIssuer { get; init; }

    /// <summary>The registered metadata.</summary>
    public required ClientMetadata Metadata { get; set; }

    /// <summary>The software statement as presented (a compact JWS).</summary>
    public required string SoftwareStatement { get; set; }

    /// <summary>The software statement's claims as a JSON object, as verified.</summary>
    public required string SoftwareStatementClaims { get; set; }

    /// <summary>A hash of the client secret, for the secret-based authentication methods; otherwise <see langword="null"/>.</summary>
    public string? ClientSecretHash { get; set; }

    /// <summary>When the client secret expires; <see langword="null"/> when it does not, or there is none.</summary>
    public DateTimeOffset? ClientSecretExpiresAt { get; set; }

    /// <summary>When the registration was last written.</summary>
    public required DateTimeOffset UpdatedAt { get; set; }

    /// <summary>An opaque value that changes on every write, for optimistic concurrency.</summary>
    public required string ConcurrencyStamp { get; set; }

    /// <summary>
    /// The transport certificate the registration (or its last update) was made with; <see langword="null"/> for
    /// registrations made before it was recorded. Shown to operators (expiry) and written to the audit trail.
    /// </summary>
    public TransportCertificateInfo? TransportCertificate { get; init; }

    /// <summary>
    /// When an operator disabled the client; <see langword="null"/> while it is enabled. A disabled client keeps its
    /// registration but cannot authenticate, be authorized or manage its registration until it is enabled again.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Whether an operator disabled the client (<see cref="DisabledAt"/> is set).</summary>
    public bool IsDisabled => DisabledAt is not null;

    /// <summary>
    /// The registration that replaces this one on an update: the same client identifier, issue time, software,
    /// organisation, secret and disabled state; the new software statement and metadata; a new concurrency stamp.
    /// </summary>
    /// <param name="softwareStatement">The verified software statement of the update.</param>
    /// <param name="metadata">The validated metadata to register.</param>
    /// <param name="now">The time of the update.</param>
    /// <param name="certificate">The transport certificate of the update; <see langword="null"/> keeps this registration's.</param>
    /// <returns>The replacement, ready to be written with this registration's <see cref="ConcurrencyStamp"/> as the expected one.</returns>
    public ClientRegistration ReplacedBy(
        SoftwareStatement softwareStatement,
        ClientMetadata metadata,
        DateTimeOffset now,
        TransportCertificateInfo? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(softwareStatement);
        ArgumentNullException.ThrowIfNull(metadata);
        return new ClientRegistration
        {
            ClientId = ClientId,
            ClientIdIssuedAt = ClientIdIssuedAt,
            SoftwareId = SoftwareId,
            OrganisationId = OrganisationId,
            SoftwareStatementIssuer = softwareStatement.Issuer,
            Metadata = metadata,
            SoftwareStatement = softwareStatement.Jwt,
            SoftwareStatementClaims = softwareStatement.Claims.GetRawText(),
            ClientSecretHash = ClientSecretHash,
            ClientSecretExpiresAt = ClientSecretExpiresAt,
            UpdatedAt = now,
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            TransportCertificate = certificate ?? TransportCertificate,
            DisabledAt = DisabledAt,
        };
    }

    /// <summary>
    /// This registration disabled (from <paramref name="now"/>, or from when it was first disabled) or enabled again,
    /// with a new concurrency stamp; everything else is kept.
    /// </summary>
    /// <param name="disabled">Whether the client is to be disabled.</param>
    /// <param name="now">The time of the change.</param>
    /// <returns>The registration to write.</returns>
    public ClientRegistration WithDisabled(bool disabled, DateTimeOffset now) => new()
    {
        ClientId = ClientId,
        ClientIdIssuedAt = ClientIdIssuedAt,
        SoftwareId = SoftwareId,
        OrganisationId = OrganisationId,
        SoftwareStatementIssuer = SoftwareStatementIssuer,
        Metadata = Metadata,
        SoftwareStatement = SoftwareStatement,
        SoftwareStatementClaims = SoftwareStatementClaims,
        ClientSecretHash = ClientSecretHash,
        ClientSecretExpiresAt = ClientSecretExpiresAt,
        UpdatedAt = now,
        ConcurrencyStamp = Guid.NewGuid().ToString("N"),
        TransportCertificate = TransportCertificate,
        DisabledAt = disabled ? DisabledAt ?? now : null,
    };
}
