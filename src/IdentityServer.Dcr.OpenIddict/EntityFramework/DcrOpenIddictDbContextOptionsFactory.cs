// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Data.Common;
using IdentityServer.Dcr.EntityFramework;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.OpenIddict.EntityFramework;

/// <summary>
/// Builds <see cref="DcrOpenIddictDbContext"/> instances on the database of the registered DCR store: the provider
/// and connection string are read once from a DCR context, so there is one place to configure the database.
/// </summary>
/// <remarks>
/// The context options are built once, without a connection, and each context is then given the connection string
/// or the caller's connection: building options per context would make EF Core look up its internal service
/// provider on every request (a measurable share of the token endpoint's CPU). The request-scoped context OpenIddict's
/// stores use (<see cref="Rent"/>) comes from a pool, like the DCR contexts: a new context builds its EF Core services
/// on first use, about a twentieth of a token request's CPU. A context on a caller's connection is never pooled (a
/// pooled context must not keep a connection it does not own). EF Core logs through the host's logger factory, like
/// the DCR contexts.
/// </remarks>
internal sealed class DcrOpenIddictDbContextOptionsFactory
{
    private readonly IDbContextFactory<DcrDbContext> _dcrContexts;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Lazy<Func<DbConnection?, DcrOpenIddictDbContext>> _create;
    private readonly Lazy<Func<DcrOpenIddictDbContext>> _rent;

    public DcrOpenIddictDbContextOptionsFactory(IDbContextFactory<DcrDbContext> dcrContexts, ILoggerFactory? loggerFactory = null)
    {
        _dcrContexts = dcrContexts;
        _loggerFactory = loggerFactory;
        _create = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);
        _rent = new(ResolvePool, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Rents a context with its own connection from the pool; disposing it returns it, its change tracker cleared.
    /// </summary>
    public DcrOpenIddictDbContext Rent() => _rent.Value();

    /// <summary>Creates a context with its own connection.</summary>
    public DcrOpenIddictDbContext Create() => _create.Value(null);

    /// <summary>Creates a context on <paramref name="connection"/> (which the caller owns).</summary>
    public DcrOpenIddictDbContext Create(DbConnection connection) => _create.Value(connection);

    /// <summary>A SQLite context on <paramref name="connectionString"/>, without logging (design-time tools).</summary>
    internal static DcrOpenIddictDbContext CreateSqlite(string connectionString)
        => Bind(new SqliteDcrOpenIddictDbContext(SqliteOptions(null)), connectionString, null);

    /// <summary>A PostgreSQL context on <paramref name="connectionString"/>, without logging (design-time tools).</summary>
    internal static DcrOpenIddictDbContext CreatePostgreSql(string connectionString)
        => Bind(new PostgreSqlDcrOpenIddictDbContext(PostgreSqlOptions(null)), connectionString, null);

    private static DbContextOptions<SqliteDcrOpenIddictDbContext> SqliteOptions(ILoggerFactory? loggerFactory)
    {
        var builder = new DbContextOptionsBuilder<SqliteDcrOpenIddictDbContext>()
            .UseSqlite(o => o.MigrationsHistoryTable(DcrOpenIddictDbContext.MigrationsHistoryTable));
        return (loggerFactory is null ? builder : builder.UseLoggerFactory(loggerFactory)).Options;
    }

    private static DbContextOptions<PostgreSqlDcrOpenIddictDbContext> PostgreSqlOptions(ILoggerFactory? loggerFactory)
    {
        var builder = new DbContextOptionsBuilder<PostgreSqlDcrOpenIddictDbContext>()
            .UseNpgsql(o => o.MigrationsHistoryTable(DcrOpenIddictDbContext.MigrationsHistoryTable));
        return (loggerFactory is null ? builder : builder.UseLoggerFactory(loggerFactory)).Options;
    }

    private static DcrOpenIddictDbContext Bind(DcrOpenIddictDbContext context, string? connectionString, DbConnection? connection)
    {
        if (connection is not null)
        {
            context.Database.SetDbConnection(connection, contextOwnsConnection: false);
        }
        else
        {
            context.Database.SetConnectionString(connectionString);
        }

        return context;
    }

    private Func<DcrOpenIddictDbContext> ResolvePool()
    {
        var (isSqlite, connectionString) = ReadDcrDatabase();
        if (isSqlite)
        {
            var sqlite = new PooledDbContextFactory<SqliteDcrOpenIddictDbContext>(
                WithConnectionString(SqliteOptions(_loggerFactory), connectionString));
            return sqlite.CreateDbContext;
        }

        var postgreSql = new PooledDbContextFactory<PostgreSqlDcrOpenIddictDbContext>(
            WithConnectionString(PostgreSqlOptions(_loggerFactory), connectionString));
        return postgreSql.CreateDbContext;
    }

    private Func<DbConnection?, DcrOpenIddictDbContext> Resolve()
    {
        var (isSqlite, connectionString) = ReadDcrDatabase();
        if (isSqlite)
        {
            var sqlite = SqliteOptions(_loggerFactory);
            return connection => Bind(new SqliteDcrOpenIddictDbContext(sqlite), connectionString, connection);
        }

        var postgreSql = PostgreSqlOptions(_loggerFactory);
        return connection => Bind(new PostgreSqlDcrOpenIddictDbContext(postgreSql), connectionString, connection);
    }

    private static DbContextOptions<TContext> WithConnectionString<TContext>(DbContextOptions<TContext> options, string? connectionString)
        where TContext : DbContext
    {
        var relational = RelationalOptionsExtension.Extract(options).WithConnectionString(connectionString);
        return (DbContextOptions<TContext>)options.WithExtension(relational);
    }

    /// <summary>Which of the two supported DCR databases is registered, and its connection string.</summary>
    private (bool IsSqlite, string? ConnectionString) ReadDcrDatabase()
    {
        using var dcr = _dcrContexts.CreateDbContext();
        return dcr switch
        {
            SqliteDcrDbContext => (true, dcr.Database.GetConnectionString()),
            PostgreSqlDcrDbContext => (false, dcr.Database.GetConnectionString()),
            _ => throw new InvalidOperationException(
                $"The OpenIddict plug-in supports the SQLite and PostgreSQL DCR stores; the registered context is {dcr.GetType().Name}."),
        };
    }
}
