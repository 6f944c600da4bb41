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
/// The contexts come from two pools, like the DCR contexts (building options or a context per request would make EF
/// Core look up or build its internal services every time: a measurable share of a token request's CPU):
/// <see cref="Rent"/> gives one with its own connection (OpenIddict's request-scoped stores, migrations); and
/// <see cref="EnlistAsync"/> one without a connection string, handed the caller's connection and transaction (a
/// registration's write), whose lease takes the connection away again before the context goes back, so that a pooled
/// context never keeps a connection it does not own. EF Core logs through the host's logger factory, like the DCR
/// contexts.
/// </remarks>
internal sealed class DcrOpenIddictDbContextOptionsFactory
{
    private readonly IDbContextFactory<DcrDbContext> _dcrContexts;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Lazy<Pools> _pools;

    public DcrOpenIddictDbContextOptionsFactory(IDbContextFactory<DcrDbContext> dcrContexts, ILoggerFactory? loggerFactory = null)
    {
        _dcrContexts = dcrContexts;
        _loggerFactory = loggerFactory;
        _pools = new(CreatePools, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Rents a context with its own connection from the pool; disposing it returns it, its change tracker cleared.
    /// </summary>
    public DcrOpenIddictDbContext Rent() => _pools.Value.Rent();

    /// <summary>
    /// Rents a pooled context on <paramref name="connection"/> (which the caller owns), enlisted in
    /// <paramref name="transaction"/> when there is one; disposing the lease takes the connection away from the context
    /// and returns it to the pool.
    /// </summary>
    public async Task<ConnectionLease> EnlistAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var context = _pools.Value.Enlist();
        try
        {
            context.Database.SetDbConnection(connection, contextOwnsConnection: false);
            if (transaction is not null)
            {
                await context.Database.UseTransactionAsync(transaction, ct).ConfigureAwait(false);
            }

            return new ConnectionLease(context);
        }
        catch
        {
            await new ConnectionLease(context).DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A SQLite context on <paramref name="connectionString"/>, without logging (design-time tools).</summary>
    internal static DcrOpenIddictDbContext CreateSqlite(string connectionString)
        => new SqliteDcrOpenIddictDbContext(WithConnectionString(SqliteOptions(null), connectionString));

    /// <summary>A PostgreSQL context on <paramref name="connectionString"/>, without logging (design-time tools).</summary>
    internal static DcrOpenIddictDbContext CreatePostgreSql(string connectionString)
        => new PostgreSqlDcrOpenIddictDbContext(WithConnectionString(PostgreSqlOptions(null), connectionString));

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

    private static DbContextOptions<TContext> WithConnectionString<TContext>(DbContextOptions<TContext> options, string? connectionString)
        where TContext : DbContext
    {
        var relational = RelationalOptionsExtension.Extract(options).WithConnectionString(connectionString);
        return (DbContextOptions<TContext>)options.WithExtension(relational);
    }

    /// <summary>The two pools, on the provider and connection string of the registered DCR context, read once.</summary>
    private Pools CreatePools()
    {
        using var dcr = _dcrContexts.CreateDbContext();
        var connectionString = dcr.Database.GetConnectionString();
        switch (dcr)
        {
            case SqliteDcrDbContext:
                var sqlite = SqliteOptions(_loggerFactory);
                return new Pools(
                    new PooledDbContextFactory<SqliteDcrOpenIddictDbContext>(WithConnectionString(sqlite, connectionString)).CreateDbContext,
                    new PooledDbContextFactory<SqliteDcrOpenIddictDbContext>(sqlite).CreateDbContext);
            case PostgreSqlDcrDbContext:
                var postgreSql = PostgreSqlOptions(_loggerFactory);
                return new Pools(
                    new PooledDbContextFactory<PostgreSqlDcrOpenIddictDbContext>(WithConnectionString(postgreSql, connectionString)).CreateDbContext,
                    new PooledDbContextFactory<PostgreSqlDcrOpenIddictDbContext>(postgreSql).CreateDbContext);
            default:
                throw new InvalidOperationException(
                    $"The OpenIddict plug-in supports the SQLite and PostgreSQL DCR stores; the registered context is {dcr.GetType().Name}.");
        }
    }

    /// <summary>Rents contexts with their own connection, and contexts without one for <see cref="EnlistAsync"/>.</summary>
    private sealed record Pools(Func<DcrOpenIddictDbContext> Rent, Func<DcrOpenIddictDbContext> Enlist);

    /// <summary>A pooled context enlisted in a caller's connection and transaction.</summary>
    internal readonly struct ConnectionLease(DcrOpenIddictDbContext context) : IAsyncDisposable
    {
        /// <summary>The context.</summary>
        public DcrOpenIddictDbContext Context => context;

        /// <summary>Takes the caller's connection (and transaction) away from the context, then returns it to its pool.</summary>
        public async ValueTask DisposeAsync()
        {
            context.Database.SetDbConnection(null, contextOwnsConnection: false);
            await context.DisposeAsync().ConfigureAwait(false);
        }
    }
}
