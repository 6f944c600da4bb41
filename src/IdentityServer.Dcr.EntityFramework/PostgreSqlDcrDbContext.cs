// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.EntityFramework;

/// <summary>
/// The registration store on PostgreSQL (Npgsql). Timestamps are <c>timestamptz</c>, written in UTC to the
/// microsecond. Migrations: <c>Migrations/PostgreSql</c>.
/// </summary>
public class PostgreSqlDcrDbContext : DcrDbContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="options">The options, built by <c>AddDcrPostgreSqlStore</c>.</param>
    public PostgreSqlDcrDbContext(DbContextOptions<PostgreSqlDcrDbContext> options)
        : base(options)
    {
    }
}
