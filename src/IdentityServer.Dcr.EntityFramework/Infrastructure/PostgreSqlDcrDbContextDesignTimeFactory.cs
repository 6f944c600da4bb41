// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build <see cref="PostgreSqlDcrDbContext"/>; it never connects.</summary>
internal sealed class PostgreSqlDcrDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlDcrDbContext>
{
    public PostgreSqlDcrDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgreSqlDcrDbContext>();
        DcrDbContextOptionsConfigurer.ConfigurePostgreSql(builder, "Host=localhost;Database=dcr_design_time", new DcrEntityFrameworkOptions());
        return new PostgreSqlDcrDbContext(builder.Options);
    }
}
