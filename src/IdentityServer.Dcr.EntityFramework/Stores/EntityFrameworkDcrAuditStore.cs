// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.EntityFramework.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

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
    /// <param name="logger">The logger (store outages).</param>
    public EntityFrameworkDcrAuditStore(IDbContextFactory<DcrDbContext> contextFactory, ILogger<EntityFrameworkDcrAuditStore> logger)
    {
        ContextFactory = contextFactory;
        Logger = logger;
    }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>Creates one context per call.</summary>
    protected IDbContextFactory<DcrDbContext> ContextFactory { get; }

    /// <inheritdoc />
    public virtual async Task RecordAsync(DcrAuditRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        await DcrStoreExecution.RunAsync(ContextFactory, Logger, nameof(RecordAsync), async context =>
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

        return DcrStoreExecution.RunAsync<IReadOnlyList<DcrAuditRecord>>(ContextFactory, Logger, nameof(FindAsync), async context =>
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
        return DcrStoreExecution.RunAsync(ContextFactory, Logger, nameof(PurgeAsync), context => context.AuditRecords.Where(r => r.OccurredAt < cutoff).ExecuteDeleteAsync(ct), ct);
    }

    private static DcrAuditRecord ToRecord(AuditRecordEntity row) => new()
    {
        Actor = row.Actor,
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
}
