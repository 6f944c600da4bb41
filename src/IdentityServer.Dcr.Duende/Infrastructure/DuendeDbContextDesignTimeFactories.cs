// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.EntityFramework.DbContexts;
using Duende.IdentityServer.EntityFramework.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace IdentityServer.Dcr.Duende.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build Duende's <see cref="ConfigurationDbContext"/> on PostgreSQL; it never connects.</summary>
internal sealed class ConfigurationDbContextDesignTimeFactory : IDesignTimeDbContextFactory<ConfigurationDbContext>
{
    public ConfigurationDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<ConfigurationDbContext>();
        builder.UseNpgsql("Host=localhost;Database=dcr_design_time", o => o.MigrationsAssembly(DuendeMigrations.Assembly));
        return new ConfigurationDbContext(builder.Options) { StoreOptions = new ConfigurationStoreOptions() };
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build Duende's <see cref="PersistedGrantDbContext"/> on PostgreSQL; it never connects.</summary>
internal sealed class PersistedGrantDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PersistedGrantDbContext>
{
    public PersistedGrantDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PersistedGrantDbContext>();
        builder.UseNpgsql("Host=localhost;Database=dcr_design_time", o => o.MigrationsAssembly(DuendeMigrations.Assembly));
        return new PersistedGrantDbContext(builder.Options) { StoreOptions = new OperationalStoreOptions() };
    }
}
