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
/// on first use, about a twentieth of a token request's CPU. So does the context a registration's write enlists in the
/// DCR context's connection and transaction (<see cref="EnlistAsync"/>), from a pool of its own, without a connection
/// string: the lease takes the caller's connection away from it before it goes back, so that a pooled context never
/// keeps a connection it does not own. EF Core logs through the host's logger factory, like the DCR contexts.
/// </remarks>
internal sealed class DcrOpenIddictDbContextOptionsFactory
{
    private readonly IDbContextFactory<DcrDbContext> _dcrContexts;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Lazy<Func<DcrOpenIddictDbContext>> _create;
    private readonly Lazy<Func<DcrOpenIddictDbContext>> _rent;
    private readonly Lazy<Func<DcrOpenIddictDbContext>> _enlist;

    public DcrOpenIddictDbContextOptionsFactory(IDbContextFactory<DcrDbContext> dcrContexts, ILoggerFactory? loggerFactory = null)
    {
        _dcrContexts = dcrContexts;
        _loggerFactory = loggerFactory;
        _create = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);
        _rent = new(() => ResolvePool(withConnectionString: true), LazyThreadSafetyMode.ExecutionAndPublication);
        _enlist = new(() => ResolvePool(withConnectionString: false), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Rents a context with its own connection from the pool; disposing it returns it, its change tracker cleared.
    /// </summary>
    public DcrOpenIddictDbContext Rent() => _rent.Value();

    /// <summary>Creates a context with its own connection.</summary>
    public DcrOpenIddictDbContext Create() => _create.Value();

    /// <summary>
    /// Rents a pooled context on <paramref name="connection"/> (which the caller owns), enlisted in
    /// <paramref name="transaction"/> when there is one; disposing the lease takes the connection away from the context
    /// and returns it to the pool.
    /// </summary>
    public async Task<ConnectionLease> EnlistAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var context = _enlist.Value();
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
        => Bind(new SqliteDcrOpenIddictDbContext(SqliteOptions(null)), connectionString);

    /// <summary>A PostgreSQL context on <paramref name="connectionString"/>, without logging (design-time tools).</summary>
    internal static DcrOpenIddictDbContext CreatePostgreSql(string connectionString)
        => Bind(new PostgreSqlDcrOpenIddictDbContext(PostgreSqlOptions(null)), connectionString);

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

    private static DcrOpenIddictDbContext Bind(DcrOpenIddictDbContext context, string? connectionString)
    {
        context.Database.SetConnectionString(connectionString);
        return context;
    }

    private Func<DcrOpenIddictDbContext> ResolvePool(bool withConnectionString)
    {
        var (isSqlite, connectionString) = ReadDcrDatabase();
        if (!withConnectionString)
        {
            connectionString = null;
        }

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

    private Func<DcrOpenIddictDbContext> Resolve()
    {
        var (isSqlite, connectionString) = ReadDcrDatabase();
        if (isSqlite)
        {
            var sqlite = SqliteOptions(_loggerFactory);
            return () => Bind(new SqliteDcrOpenIddictDbContext(sqlite), connectionString);
        }

        var postgreSql = PostgreSqlOptions(_loggerFactory);
        return () => Bind(new PostgreSqlDcrOpenIddictDbContext(postgreSql), connectionString);
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
