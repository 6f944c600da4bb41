// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.Auditing;

/// <summary>
/// One entry of the audit trail: a create, update or delete of a registration, or a refused attempt that reached the
/// engine over mutual TLS. Identifiers only: no SSA, request, token or key is kept.
/// </summary>
public sealed record DcrAuditRecord
{
    /// <summary>The entry's identifier.</summary>
    public Guid Id { get; init; } = Guid.NewGuid();

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The operation: <see cref="DcrAuditOperations"/>.</summary>
    public required string Operation { get; init; }

    /// <summary>The outcome: <see cref="DcrAuditOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The RFC 7591 / OAuth error code of a refusal.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The client, when known (always for a success; for a refused update, the client addressed).</summary>
    public string? ClientId { get; init; }

    /// <summary>The SSA's <c>software_id</c>, when the SSA was read.</summary>
    public string? SoftwareId { get; init; }

    /// <summary>The SSA's <c>org_id</c>, when the SSA was read.</summary>
    public string? OrganisationId { get; init; }

    /// <summary>The SSA's issuer (the trust anchor), when the SSA was read.</summary>
    public string? SoftwareStatementIssuer { get; init; }

    /// <summary>The transport certificate's SHA-256 thumbprint.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The transport certificate's subject.</summary>
    public string? CertificateSubject { get; init; }

    /// <summary>The request JWS's <c>jti</c>, when it was read.</summary>
    public string? RequestJti { get; init; }

    /// <summary>
    /// Who made the change when it was not the TPP itself: the operator named by <see cref="DcrAuditActor.Begin"/>
    /// around an operator action. <see langword="null"/> for TPP requests.
    /// </summary>
    public string? Actor { get; init; }

    /// <summary>The entry of a successful write of <paramref name="registration"/>.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="registration">The registration written (for a delete, the one deleted).</param>
    /// <param name="requestJti">The request's <c>jti</c> (none for a delete).</param>
    /// <param name="occurredAt">When.</param>
    /// <param name="certificate">The certificate of the request; the registration's when <see langword="null"/>.</param>
    /// <returns>The entry.</returns>
    public static DcrAuditRecord ForWrite(
        string operation,
        ClientRegistration registration,
        string? requestJti,
        DateTimeOffset occurredAt,
        TransportCertificateInfo? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var used = certificate ?? registration.TransportCertificate;
        return new DcrAuditRecord
        {
            OccurredAt = occurredAt,
            Operation = operation,
            Outcome = DcrAuditOutcomes.Success,
            ClientId = registration.ClientId,
            SoftwareId = registration.SoftwareId,
            OrganisationId = registration.OrganisationId,
            SoftwareStatementIssuer = registration.SoftwareStatementIssuer,
            CertificateThumbprint = used?.Thumbprint,
            CertificateSubject = used?.Subject,
            RequestJti = requestJti,
            Actor = DcrAuditActor.Current,
        };
    }
}

/// <summary>Builds and records the entries of refused attempts, for every plug-in that refuses registrations.</summary>
public static class DcrAuditRefusals
{
    /// <summary>
    /// Records the refusal of <paramref name="context"/> when it passed TLS (<see cref="For"/>) and an audit trail is
    /// registered. A store outage here is logged and swallowed: the request was refused either way.
    /// </summary>
    /// <param name="audit">The audit trail, if any.</param>
    /// <param name="context">The request context, as far as validation got.</param>
    /// <param name="error">The refusal.</param>
    /// <param name="occurredAt">When.</param>
    /// <param name="logger">Where a store outage is logged (event 1505).</param>
    /// <returns>A task that completes when the entry is stored, or was not.</returns>
    public static async Task RecordAsync(
        IDcrAuditStore? audit,
        DcrRequestContext context,
        DcrError error,
        DateTimeOffset occurredAt,
        Microsoft.Extensions.Logging.ILogger logger)
    {
        if (audit is null || For(context, error, occurredAt) is not { } record)
        {
            return;
        }

        try
        {
            await audit.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            Logging.Log.AuditRecordFailed(logger, exception);
        }
    }

    /// <summary>
    /// The entry of a refused registration or update that reached the engine over mutual TLS, with what was read of it
    /// before the refusal; <see langword="null"/> when no transport certificate was presented (nothing passed TLS).
    /// </summary>
    /// <param name="context">The request context, as far as validation got.</param>
    /// <param name="error">The refusal.</param>
    /// <param name="occurredAt">When.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public static DcrAuditRecord? For(DcrRequestContext context, DcrError error, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        if (TransportCertificateInfo.From(context.Request.ClientCertificate) is not { } certificate)
        {
            return null;
        }

        var ssa = context.SoftwareStatement;
        return new DcrAuditRecord
        {
            OccurredAt = occurredAt,
            Operation = context.Operation == DcrOperation.Update ? DcrAuditOperations.Update : DcrAuditOperations.Create,
            Outcome = DcrAuditOutcomes.Rejected,
            ErrorCode = error.Error,
            ClientId = context.ExistingRegistration?.ClientId,
            SoftwareId = ssa?.SoftwareId,
            OrganisationId = ssa?.OrganisationId,
            SoftwareStatementIssuer = ssa?.Issuer,
            CertificateThumbprint = certificate.Thumbprint,
            CertificateSubject = certificate.Subject,
            RequestJti = context.UsedRequestToken?.Jti,
        };
    }
}

/// <summary>The operations of <see cref="DcrAuditRecord.Operation"/>.</summary>
public static class DcrAuditOperations
{
    /// <summary><c>create</c>: <c>POST /register</c>.</summary>
    public const string Create = "create";

    /// <summary><c>update</c>: <c>PUT /register/{ClientId}</c>.</summary>
    public const string Update = "update";

    /// <summary><c>delete</c>: <c>DELETE /register/{ClientId}</c>, or an operator's delete.</summary>
    public const string Delete = "delete";

    /// <summary><c>disable</c>: an operator disabled the client.</summary>
    public const string Disable = "disable";

    /// <summary><c>enable</c>: an operator enabled the client again.</summary>
    public const string Enable = "enable";
}

/// <summary>The outcomes of <see cref="DcrAuditRecord.Outcome"/>.</summary>
public static class DcrAuditOutcomes
{
    /// <summary>The change was made (written in the same transaction as the change).</summary>
    public const string Success = "success";

    /// <summary>The request was refused; nothing changed.</summary>
    public const string Rejected = "rejected";
}

/// <summary>A query of the audit trail: by software or organisation, newest first.</summary>
public sealed record DcrAuditQuery
{
    /// <summary>Only entries of this <c>software_id</c>.</summary>
    public string? SoftwareId { get; init; }

    /// <summary>Only entries of this <c>org_id</c>.</summary>
    public string? OrganisationId { get; init; }

    /// <summary>Only entries of this client.</summary>
    public string? ClientId { get; init; }

    /// <summary>Only entries at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>At most this many entries (1 to 1000). Default 100.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>
/// The durable audit trail. The store writes the entries of successful changes itself, in the transaction of the change
/// (so an entry exists exactly when the change does); <see cref="RecordAsync"/> records refused attempts.
/// </summary>
public interface IDcrAuditStore
{
    /// <summary>Records a refused attempt (its own write; nothing else changed).</summary>
    /// <param name="record">The entry.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task that completes when the entry is stored.</returns>
    Task RecordAsync(DcrAuditRecord record, CancellationToken ct);

    /// <summary>Reads entries, newest first.</summary>
    /// <param name="query">The query.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<DcrAuditRecord>> FindAsync(DcrAuditQuery query, CancellationToken ct);

    /// <summary>Deletes the entries older than <paramref name="before"/> (the retention).</summary>
    /// <param name="before">The cut-off.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>How many entries were deleted.</returns>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}
