// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.EntityFramework;
using IdentityServer.Dcr.EntityFramework.Infrastructure;
using IdentityServer.Dcr.EntityFramework.Logging;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// Namespace does not match folder: DI extensions live in Microsoft.Extensions.DependencyInjection so they need no
// using (house style §3.4).
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the EF Core registration store (PostgreSQL or SQLite) and applies its migrations.</summary>
public static class DcrEntityFrameworkServiceCollectionExtensions
{
    /// <summary>
    /// Uses PostgreSQL (Npgsql) as the <see cref="IClientRegistrationStore"/>: registers
    /// <see cref="PostgreSqlDcrDbContext"/> through <see cref="IDbContextFactory{TContext}"/> and
    /// <see cref="EntityFrameworkClientRegistrationStore"/> as a singleton, replacing any store registered before
    /// (including a previous <c>AddDcr…Store</c> call).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Adjusts <see cref="DcrEntityFrameworkOptions"/> (schema, command timeout).</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddDcrPostgreSqlStore(
        this IServiceCollection services,
        string connectionString,
        Action<DcrEntityFrameworkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = BuildOptions(configure);
        return services.AddDcrStore<PostgreSqlDcrDbContext>(
            builder => DcrDbContextOptionsConfigurer.ConfigurePostgreSql(builder, connectionString, options), options);
    }

    /// <summary>
    /// Uses SQLite as the <see cref="IClientRegistrationStore"/>: registers <see cref="SqliteDcrDbContext"/> through
    /// <see cref="IDbContextFactory{TContext}"/> and <see cref="EntityFrameworkClientRegistrationStore"/> as a
    /// singleton, replacing any store registered before (including a previous <c>AddDcr…Store</c> call).
    /// </summary>
    /// <remarks>
    /// For a single-instance deployment: SQLite serialises writers and lives on one machine. Use a file
    /// (<c>Data Source=dcr.db</c>); an in-memory database disappears with its last open connection.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="configure">Adjusts <see cref="DcrEntityFrameworkOptions"/> (command timeout; the schema is ignored).</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddDcrSqliteStore(
        this IServiceCollection services,
        string connectionString,
        Action<DcrEntityFrameworkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = BuildOptions(configure);
        return services.AddDcrStore<SqliteDcrDbContext>(
            builder => DcrDbContextOptionsConfigurer.ConfigureSqlite(builder, connectionString, options), options);
    }

    /// <summary>
    /// Applies the pending migrations of the registered DCR store (creating the database objects, and the schema
    /// when one is configured). Call it once at startup, before the first request, or run the migrations from a
    /// deployment step instead.
    /// </summary>
    /// <param name="services">The root service provider.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task that completes when the database is up to date.</returns>
    public static async Task MigrateDcrDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = services.GetService<IDbContextFactory<DcrDbContext>>()
            ?? throw new InvalidOperationException("No DCR EF Core store is registered: call AddDcrPostgreSqlStore or AddDcrSqliteStore first.");
        var logger = services.GetService<ILogger<DcrDbContext>>() ?? (ILogger)NullLogger.Instance;
        var context = await factory.CreateDbContextAsync(ct).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            await context.Database.MigrateAsync(ct).ConfigureAwait(false);
            logger.MigrationsApplied(context.Database.ProviderName ?? context.GetType().Name);
        }
    }

    private static DcrEntityFrameworkOptions BuildOptions(Action<DcrEntityFrameworkOptions>? configure)
    {
        var options = new DcrEntityFrameworkOptions();
        configure?.Invoke(options);
        if (options.Schema is not null && string.IsNullOrWhiteSpace(options.Schema))
        {
            throw new InvalidOperationException(
                $"{nameof(DcrEntityFrameworkOptions)}.{nameof(DcrEntityFrameworkOptions.Schema)} must be null or a schema name, not blank.");
        }

        if (options.PurgeInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"{nameof(DcrEntityFrameworkOptions)}.{nameof(DcrEntityFrameworkOptions.PurgeInterval)} must be "
                + $"positive, or null to switch the purge off.");
        }

        if (options.AuditRetention is { } retention && retention <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"{nameof(DcrEntityFrameworkOptions)}.{nameof(DcrEntityFrameworkOptions.AuditRetention)} must be "
                + $"positive, or null to keep the audit trail forever.");
        }

        if (options.CommandTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"{nameof(DcrEntityFrameworkOptions)}.{nameof(DcrEntityFrameworkOptions.CommandTimeout)} must be positive.");
        }

        return options;
    }

    private static IServiceCollection AddDcrStore<TContext>(
        this IServiceCollection services,
        Action<DbContextOptionsBuilder> configure,
        DcrEntityFrameworkOptions options)
        where TContext : DcrDbContext
    {
        // Replace semantics: EF Core accumulates option callbacks across AddDbContextFactory calls, so drop the ones
        // a previous call left before adding ours.
        services.RemoveAll<IDbContextOptionsConfiguration<TContext>>();
        services.RemoveAll<DbContextOptions<TContext>>();
        services.RemoveAll<IDbContextFactory<TContext>>();

        // Pooled: each store operation rents a context instead of building one (the token endpoint does one or two per
        // request). The contexts hold no state between operations.
        services.AddPooledDbContextFactory<TContext>(configure);

        services.RemoveAll<IDbContextFactory<DcrDbContext>>();
        services.AddSingleton<IDbContextFactory<DcrDbContext>>(
            sp => new DcrDbContextFactory<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()));

        services.AddLogging();
        // TryAdd: a subclass registered by a plug-in (for example OpenIddict's, which overrides OnWritingAsync) stays,
        // whichever of the two calls comes first.
        services.TryAddSingleton<EntityFrameworkClientRegistrationStore>();
        services.RemoveAll<IClientRegistrationStore>();
        services.AddSingleton<IClientRegistrationStore>(sp => sp.GetRequiredService<EntityFrameworkClientRegistrationStore>());

        // The audit trail: creates, updates and deletes are written by the store in their own transaction; refused
        // attempts, queries and the retention purge go through this.
        services.TryAddSingleton<EntityFrameworkDcrAuditStore>();
        services.RemoveAll<IDcrAuditStore>();
        services.AddSingleton<IDcrAuditStore>(sp => sp.GetRequiredService<EntityFrameworkDcrAuditStore>());

        // The background purge of expired used tokens, on the schedule of the last AddDcr…Store call.
        services.RemoveAll<UsedTokenPurgeSchedule>();
        services.AddSingleton(new UsedTokenPurgeSchedule(options.PurgeInterval, options.AuditRetention));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<UsedTokenPurgeService>();
        return services;
    }
}
