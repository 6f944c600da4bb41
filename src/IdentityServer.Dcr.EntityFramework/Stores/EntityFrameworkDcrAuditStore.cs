// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.EntityFramework.Entities;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>
/// The audit trail in the DCR database (table <c>DcrAuditRecords</c>). Entries of successful changes are written by
/// <see cref="EntityFrameworkClientRegistrationStore"/> in the change's own transaction; this class records refused
/// attempts, answers queries and purges by retention.
/// </summary>
public class EntityFrameworkDcrAuditStore : IDcrAuditStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates one context per call.</param>
    public EntityFrameworkDcrAuditStore(IDbContextFactory<DcrDbContext> contextFactory) => ContextFactory = contextFactory;

    /// <summary>Creates one context per call.</summary>
    protected IDbContextFactory<DcrDbContext> ContextFactory { get; }

    /// <inheritdoc />
    public virtual async Task RecordAsync(DcrAuditRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        await RunAsync(async context =>
        {
            context.AuditRecords.Add(EntityFrameworkClientRegistrationStore.ToAuditEntity(record));
            await context.SaveChangesAsync(ct).ConfigureAwait(false);
            return 0;
        }, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<DcrAuditRecord>> FindAsync(DcrAuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "The limit must be between 1 and 1000.");
        }

        return RunAsync<IReadOnlyList<DcrAuditRecord>>(async context =>
        {
            var rows = context.AuditRecords.AsNoTracking();
            if (query.SoftwareId is { } software)
            {
                rows = rows.Where(r => r.SoftwareId == software);
            }

            if (query.OrganisationId is { } organisation)
            {
                rows = rows.Where(r => r.OrganisationId == organisation);
            }

            if (query.ClientId is { } client)
            {
                rows = rows.Where(r => r.ClientId == client);
            }

            if (query.From is { } from)
            {
                var cutoff = EntityFrameworkClientRegistrationStore.ToStoredPrecision(from);
                rows = rows.Where(r => r.OccurredAt >= cutoff);
            }

            var found = await rows.OrderByDescending(r => r.OccurredAt).ThenBy(r => r.Id).Take(query.Limit).ToListAsync(ct).ConfigureAwait(false);
            return [.. found.Select(ToRecord)];
        }, ct);
    }

    /// <inheritdoc />
    public virtual Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var cutoff = EntityFrameworkClientRegistrationStore.ToStoredPrecision(before);
        return RunAsync(context => context.AuditRecords.Where(r => r.OccurredAt < cutoff).ExecuteDeleteAsync(ct), ct);
    }

    private static DcrAuditRecord ToRecord(AuditRecordEntity row) => new()
    {
        Id = row.Id,
        OccurredAt = row.OccurredAt,
        Operation = row.Operation,
        Outcome = row.Outcome,
        ErrorCode = row.ErrorCode,
        ClientId = row.ClientId,
        SoftwareId = row.SoftwareId,
        OrganisationId = row.OrganisationId,
        SoftwareStatementIssuer = row.SoftwareStatementIssuer,
        CertificateThumbprint = row.CertificateThumbprint,
        CertificateSubject = row.CertificateSubject,
        RequestJti = row.RequestJti,
    };

    /// <summary>Runs <paramref name="work"/> on a fresh context; a database fault becomes <see cref="DcrStoreUnavailableException"/> (a 503, never a 500).</summary>
    private async Task<T> RunAsync<T>(Func<DcrDbContext, Task<T>> work, CancellationToken ct)
    {
        try
        {
            var context = await ContextFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                return await work(context).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (DcrDbExceptionClassifier.IsUnavailable(exception) && !ct.IsCancellationRequested)
        {
            throw new DcrStoreUnavailableException("The DCR audit trail is unavailable.", exception);
        }
    }
}
