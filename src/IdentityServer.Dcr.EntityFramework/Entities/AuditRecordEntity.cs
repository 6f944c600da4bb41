// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework.Entities;

/// <summary>
/// The row behind a <see cref="Auditing.DcrAuditRecord"/> (table <c>DcrAuditRecords</c>), indexed by software,
/// organisation, client and time.
/// </summary>
public class AuditRecordEntity
{
    /// <summary>The entry's identifier.</summary>
    public Guid Id { get; set; }

    /// <summary>When it happened (UTC, microseconds).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary><c>create</c>, <c>update</c> or <c>delete</c>.</summary>
    public string Operation { get; set; } = string.Empty;

    /// <summary><c>success</c> or <c>rejected</c>.</summary>
    public string Outcome { get; set; } = string.Empty;

    /// <summary>The error code of a refusal.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The client.</summary>
    public string? ClientId { get; set; }

    /// <summary>The SSA's <c>software_id</c>.</summary>
    public string? SoftwareId { get; set; }

    /// <summary>The SSA's <c>org_id</c>.</summary>
    public string? OrganisationId { get; set; }

    /// <summary>The SSA's issuer.</summary>
    public string? SoftwareStatementIssuer { get; set; }

    /// <summary>The transport certificate's SHA-256 thumbprint.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>The transport certificate's subject.</summary>
    public string? CertificateSubject { get; set; }

    /// <summary>The request's <c>jti</c>.</summary>
    public string? RequestJti { get; set; }

    /// <summary>The operator who made the change, when it was not the TPP.</summary>
    public string? Actor { get; set; }
}
