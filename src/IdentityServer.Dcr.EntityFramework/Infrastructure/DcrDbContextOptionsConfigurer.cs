// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>Builds the provider options of the two contexts, for DI and for the design-time factories alike.</summary>
internal static class DcrDbContextOptionsConfigurer
{
    public static void ConfigurePostgreSql(DbContextOptionsBuilder builder, string connectionString, DcrEntityFrameworkOptions options)
    {
        builder.UseNpgsql(connectionString, npgsql =>
        {
            npgsql.MigrationsAssembly(typeof(DcrDbContext).Assembly.GetName().Name);
            npgsql.MigrationsHistoryTable(HistoryRepository.DefaultTableName, options.Schema);
            if (options.CommandTimeout is { } timeout)
            {
                npgsql.CommandTimeout((int)Math.Ceiling(timeout.TotalSeconds));
            }
        });

        if (options.Schema is not null)
        {
            ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new DcrDbContextOptionsExtension(options.Schema));

            // The migrations snapshot is generated without a schema; a configured schema is applied at run time
            // (IDcrSchemaAwareMigration), so the snapshot differs from the model by the schema alone.
            builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        }

        ConfigureCommon(builder);
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder builder, string connectionString, DcrEntityFrameworkOptions options)
    {
        builder.UseSqlite(connectionString, sqlite =>
        {
            sqlite.MigrationsAssembly(typeof(DcrDbContext).Assembly.GetName().Name);
            if (options.CommandTimeout is { } timeout)
            {
                sqlite.CommandTimeout((int)Math.Ceiling(timeout.TotalSeconds));
            }
        });
        ConfigureCommon(builder);
    }

    private static void ConfigureCommon(DbContextOptionsBuilder builder)
    {
        builder.ReplaceService<IModelCacheKeyFactory, DcrModelCacheKeyFactory>();
        builder.ReplaceService<IMigrationsAssembly, DcrMigrationsAssembly>();

        // The store reads every failed command itself: a key conflict (a replayed jti, a software already registered,
        // a concurrent write) is the client's refusal, an outage is logged at Error by the store (event 1560) and
        // answered 503, and anything else escapes to the host's own error handling. EF Core's own Error entries for the
        // same command, each with a stack trace, would let any client write into the bank's error log by replaying a
        // request; they stay available at Debug (categories Microsoft.EntityFrameworkCore.Database.Command and .Update).
        builder.ConfigureWarnings(w => w.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
    }
}
