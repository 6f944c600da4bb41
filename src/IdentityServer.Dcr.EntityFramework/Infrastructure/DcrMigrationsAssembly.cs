// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

#pragma warning disable EF1001 // MigrationsAssembly is EF Core "internal" API; it is the one hook that can hand a migration the runtime schema.

/// <summary>Creates migrations as EF Core does, then tells schema-aware ones the configured schema.</summary>
internal sealed class DcrMigrationsAssembly : MigrationsAssembly
{
    private readonly ICurrentDbContext _currentContext;

    public DcrMigrationsAssembly(
        ICurrentDbContext currentContext,
        IDbContextOptions options,
        IMigrationsIdGenerator idGenerator,
        IDiagnosticsLogger<DbLoggerCategory.Migrations> logger)
        : base(currentContext, options, idGenerator, logger)
    {
        _currentContext = currentContext;
    }

    public override Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = base.CreateMigration(migrationClass, activeProvider);
        if (migration is IDcrSchemaAwareMigration schemaAware && _currentContext.Context is DcrDbContext context)
        {
            schemaAware.Schema = context.Schema;
        }

        return migration;
    }
}
#pragma warning restore EF1001
