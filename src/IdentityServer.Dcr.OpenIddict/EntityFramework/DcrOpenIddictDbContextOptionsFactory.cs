// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Data.Common;
using IdentityServer.Dcr.EntityFramework;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.OpenIddict.EntityFramework;

/// <summary>
/// Builds <see cref="DcrOpenIddictDbContext"/> instances on the database of the registered DCR store: the provider
/// and connection string are read once from a DCR context, so there is one place to configure the database.
/// </summary>
internal sealed class DcrOpenIddictDbContextOptionsFactory
{
    private readonly IDbContextFactory<DcrDbContext> _dcrContexts;
    private readonly Lazy<Func<DbConnection?, DcrOpenIddictDbContext>> _create;

    public DcrOpenIddictDbContextOptionsFactory(IDbContextFactory<DcrDbContext> dcrContexts)
    {
        _dcrContexts = dcrContexts;
        _create = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Creates a context with its own connection.</summary>
    public DcrOpenIddictDbContext Create() => _create.Value(null);

    /// <summary>Creates a context on <paramref name="connection"/> (which the caller owns).</summary>
    public DcrOpenIddictDbContext Create(DbConnection connection) => _create.Value(connection);

    internal static DcrOpenIddictDbContext CreateSqlite(string? connectionString, DbConnection? connection)
    {
        var builder = new DbContextOptionsBuilder<SqliteDcrOpenIddictDbContext>();
        if (connection is not null)
        {
            builder.UseSqlite(connection, o => o.MigrationsHistoryTable(DcrOpenIddictDbContext.MigrationsHistoryTable));
        }
        else
        {
            builder.UseSqlite(connectionString, o => o.MigrationsHistoryTable(DcrOpenIddictDbContext.MigrationsHistoryTable));
        }

        return new SqliteDcrOpenIddictDbContext(builder.Options);
    }

    internal static DcrOpenIddictDbContext CreatePostgreSql(string? connectionString, DbConnection? connection)
    {
        var builder = new DbContextOptionsBuilder<PostgreSqlDcrOpenIddictDbContext>();
        if (connection is not null)
        {
            builder.UseNpgsql(connection, o => o.MigrationsHistoryTable(DcrOpenIddictDbContext.MigrationsHistoryTable));
        }
        else
        {
            builder.UseNpgsql(connectionString, o => o.MigrationsHistoryTable(DcrOpenIddictDbContext.MigrationsHistoryTable));
        }

        return new PostgreSqlDcrOpenIddictDbContext(builder.Options);
    }

    private Func<DbConnection?, DcrOpenIddictDbContext> Resolve()
    {
        using var dcr = _dcrContexts.CreateDbContext();
        var connectionString = dcr.Database.GetConnectionString();
        return dcr switch
        {
            SqliteDcrDbContext => connection => CreateSqlite(connectionString, connection),
            PostgreSqlDcrDbContext => connection => CreatePostgreSql(connectionString, connection),
            _ => throw new InvalidOperationException($"The OpenIddict plug-in supports the SQLite and PostgreSQL DCR stores; the registered context is {dcr.GetType().Name}."),
        };
    }
}
