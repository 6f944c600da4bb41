// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>
/// A time window of the audit trail cut into equal buckets (<see cref="EntityFrameworkDcrAuditStore.SummariseAsync"/>),
/// for example the last 14 days by day.
/// </summary>
public sealed record DcrAuditActivityQuery
{
    /// <summary>The most buckets a query may ask for: <c>1000</c>.</summary>
    public const int MaxBuckets = 1000;

    /// <summary>The window's start (inclusive); the first bucket starts here, the others follow every <see cref="BucketSize"/>.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The window's end (exclusive); the last bucket ends here, and may be shorter than the others.</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>The length of a bucket: a whole number of seconds, at least one. Default one day.</summary>
    public TimeSpan BucketSize { get; init; } = TimeSpan.FromDays(1);
}

/// <summary>What the audit trail holds for one bucket of a <see cref="DcrAuditActivityQuery"/>.</summary>
public sealed record DcrAuditActivity
{
    /// <summary>The bucket's start (inclusive), in UTC.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>The bucket's end (exclusive), in UTC.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Registrations created (<c>create</c>, <c>success</c>).</summary>
    public int Created { get; init; }

    /// <summary>Registrations updated (<c>update</c>, <c>success</c>).</summary>
    public int Updated { get; init; }

    /// <summary>Registrations deleted, by their TPP or an operator (<c>delete</c>, <c>success</c>).</summary>
    public int Deleted { get; init; }

    /// <summary>Clients disabled by an operator (<c>disable</c>, <c>success</c>).</summary>
    public int Disabled { get; init; }

    /// <summary>Clients enabled again by an operator (<c>enable</c>, <c>success</c>).</summary>
    public int Enabled { get; init; }

    /// <summary>Refused registration and update attempts (<c>rejected</c>, any operation).</summary>
    public int Refused { get; init; }
}
