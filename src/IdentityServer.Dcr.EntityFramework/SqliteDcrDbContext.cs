// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.EntityFramework;

/// <summary>
/// The registration store on SQLite, the embedded default. SQLite has no date type, so every
/// <see cref="DateTimeOffset"/> is stored as an integer count of microseconds since the Unix epoch (UTC): it sorts
/// and compares in SQL, and keeps the same precision as PostgreSQL. Migrations: <c>Migrations/Sqlite</c>.
/// </summary>
public class SqliteDcrDbContext : DcrDbContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="options">The options, built by <c>AddDcrSqliteStore</c>.</param>
    public SqliteDcrDbContext(DbContextOptions<SqliteDcrDbContext> options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMicrosecondsConverter>();
    }
}
