// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.EntityFramework.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
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
        return DcrStoreExecution.RunAsync(
            ContextFactory,
            Logger,
            nameof(PurgeAsync),
            context => context.AuditRecords.Where(r => r.OccurredAt < cutoff).ExecuteDeleteAsync(ct),
            ct);
    }

    /// <summary>
    /// Counts the audit trail's entries in a time window, bucket by bucket (for example the last 14 days by day):
    /// successful creates, updates, deletes, disables and enables, and refused attempts. Every bucket of the window is
    /// returned, oldest first, with zeros where nothing happened.
    /// </summary>
    /// <remarks>
    /// The counting runs in the database, one <c>GROUP BY</c> over the window (served by the index on
    /// <c>OccurredAt</c>): on PostgreSQL over the <c>timestamptz</c> column's distance from <see cref="DcrAuditActivityQuery.From"/>,
    /// on SQLite over its integer microseconds since the Unix epoch. Buckets start at
    /// <see cref="DcrAuditActivityQuery.From"/>: pass midnight UTC for calendar days in UTC.
    /// </remarks>
    /// <param name="query">The window and bucket size.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>One entry per bucket.</returns>
    /// <exception cref="ArgumentException">
    /// The window is empty, the bucket size is not a whole, positive number of seconds, or the window needs more than
    /// <see cref="DcrAuditActivityQuery.MaxBuckets"/> buckets.
    /// </exception>
    /// <exception cref="DcrStoreUnavailableException">The database cannot be reached.</exception>
    public virtual Task<IReadOnlyList<DcrAuditActivity>> SummariseAsync(DcrAuditActivityQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = EntityFrameworkClientRegistrationStore.ToStoredPrecision(query.From);
        var to = EntityFrameworkClientRegistrationStore.ToStoredPrecision(query.To);
        if (to <= from)
        {
            throw new ArgumentException("The window must end after it starts.", nameof(query));
        }

        if (query.BucketSize < TimeSpan.FromSeconds(1) || query.BucketSize.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException("The bucket size must be a whole number of seconds, at least one.", nameof(query));
        }

        var bucketMicroseconds = query.BucketSize.Ticks / TimeSpan.TicksPerMicrosecond;
        var windowMicroseconds = (to - from).Ticks / TimeSpan.TicksPerMicrosecond;
        var buckets = (windowMicroseconds + bucketMicroseconds - 1) / bucketMicroseconds;
        if (buckets > DcrAuditActivityQuery.MaxBuckets)
        {
            throw new ArgumentException(
                $"The window needs {buckets} buckets; at most {DcrAuditActivityQuery.MaxBuckets} are allowed.",
                nameof(query));
        }

        return DcrStoreExecution.RunAsync<IReadOnlyList<DcrAuditActivity>>(ContextFactory, Logger, nameof(SummariseAsync), async context =>
        {
            var counts = await ActivitySql(context, from, to, bucketMicroseconds).ToListAsync(ct).ConfigureAwait(false);
            var result = new List<DcrAuditActivity>((int)buckets);
            for (var i = 0L; i < buckets; i++)
            {
                var inBucket = counts.Where(c => c.Bucket == i).ToList();
                int Count(string operation, string outcome)
                    => (int)inBucket.Where(c => c.Operation == operation && c.Outcome == outcome).Sum(c => c.Count);
                var start = from.AddTicks(i * query.BucketSize.Ticks);
                var end = start.Add(query.BucketSize);
                result.Add(new DcrAuditActivity
                {
                    Start = start,
                    End = end < to ? end : to,
                    Created = Count(DcrAuditOperations.Create, DcrAuditOutcomes.Success),
                    Updated = Count(DcrAuditOperations.Update, DcrAuditOutcomes.Success),
                    Deleted = Count(DcrAuditOperations.Delete, DcrAuditOutcomes.Success),
                    Disabled = Count(DcrAuditOperations.Disable, DcrAuditOutcomes.Success),
                    Enabled = Count(DcrAuditOperations.Enable, DcrAuditOutcomes.Success),
                    Refused = (int)inBucket.Where(c => c.Outcome == DcrAuditOutcomes.Rejected).Sum(c => c.Count),
                });
            }

            return result;
        }, ct);
    }

    /// <summary>
    /// The per-bucket counts of a window, grouped in the database. The bucket of an entry is its distance from
    /// <paramref name="from"/> in microseconds, divided by the bucket size (integer division: the entries are at or
    /// after <paramref name="from"/>, so it is the floor).
    /// </summary>
    private static IQueryable<ActivityCount> ActivitySql(DcrDbContext context, DateTimeOffset from, DateTimeOffset to, long bucketMicroseconds)
    {
        var entity = context.Model.FindEntityType(typeof(AuditRecordEntity))
            ?? throw new InvalidOperationException($"{nameof(AuditRecordEntity)} is not in the model of {context.GetType().Name}.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var helper = context.GetService<ISqlGenerationHelper>();
        string Column(string property) => helper.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var occurredAt = Column(nameof(AuditRecordEntity.OccurredAt));
        var operation = Column(nameof(AuditRecordEntity.Operation));
        var outcome = Column(nameof(AuditRecordEntity.Outcome));
        var name = helper.DelimitIdentifier(table.Name, table.Schema);

        if (context.Database.IsNpgsql())
        {
            // timestamptz: the interval from the window's start, in whole microseconds (round() also keeps the value
            // exact where extract() answers a double, before PostgreSQL 14), then bigint division.
            var sql = $$"""
                SELECT (round(extract(epoch FROM ({{occurredAt}} - {0})) * 1000000)::bigint / {2}) AS "Bucket",
                    {{operation}} AS "Operation", {{outcome}} AS "Outcome", count(*) AS "Count"
                FROM {{name}}
                WHERE {{occurredAt}} >= {0} AND {{occurredAt}} < {1}
                GROUP BY 1, 2, 3
                """;
            return context.Database.SqlQueryRaw<ActivityCount>(sql, from, to, bucketMicroseconds);
        }

        if (context.Database.IsSqlite())
        {
            // INTEGER microseconds since the Unix epoch (UnixMicrosecondsConverter): integer arithmetic throughout.
            var sql = $$"""
                SELECT ({{occurredAt}} - {0}) / {2} AS "Bucket", {{operation}} AS "Operation", {{outcome}} AS "Outcome", count(*) AS "Count"
                FROM {{name}}
                WHERE {{occurredAt}} >= {0} AND {{occurredAt}} < {1}
                GROUP BY 1, 2, 3
                """;
            return context.Database.SqlQueryRaw<ActivityCount>(sql, UnixMicroseconds(from), UnixMicroseconds(to), bucketMicroseconds);
        }

        throw new NotSupportedException($"The audit summary supports PostgreSQL and SQLite, not {context.Database.ProviderName}.");
    }

    private static long UnixMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>A row of the summary's <c>GROUP BY</c>.</summary>
    private sealed class ActivityCount
    {
        public long Bucket { get; set; }

        public string Operation { get; set; } = string.Empty;

        public string Outcome { get; set; } = string.Empty;

        public long Count { get; set; }
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
